"""The demo web pages (``web/site/*.html``): each page's governance record, its text as a patient reads it.

Why: the pages say things to patients (what CAR-T is, how their messages are handled), so they are governed
like every other patient-facing text. Their wording stays in the pages (HTML is the natural home of a page),
and each page opens with one line that carries its record, read here by the content check, the sign-off
report and the renderer that builds the pages (:mod:`assistant.content.web_texts`)::

    <!-- page: {"title": "…", "breadcrumb": "…", "source": "…", "checked": "YYYY-MM-DD", "reviewer": "",
               "approved": "", "review_by": "YYYY-MM-DD"} -->

(on one line). ``title`` and ``breadcrumb`` are for the shared frame, ``_layout.html``, which carries a record
too (it has text of its own: the footer, the skip link). A page's placeholders are written ``{{name}}``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Dict, List, Optional

from assistant.content import SITE_DIR

LAYOUT = "_layout.html"
PAGE_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_HEADER = re.compile(r"\A<!-- page: (.*) -->\n")
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "div", "ul", "ol", "header", "footer", "nav", "main", "title"}
_HIDDEN = {"script", "style"}


class PageError(ValueError):
    """A page whose first line is not a readable record; the message says what to write."""


@dataclass(frozen=True)
class Page:
    """One file of ``web/site``: its record (the first line) and its HTML after that line."""

    path: Path
    record: Dict[str, Any]
    body: str

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def is_layout(self) -> bool:
        return self.name == LAYOUT


def site_pages(site_dir: Path = SITE_DIR) -> List[Path]:
    """The frame and the pages, in name order."""
    return sorted(p for p in site_dir.glob("*.html") if p.is_file()) if site_dir.is_dir() else []


def read_page(path: Path) -> Page:
    """Read a page and its record, or raise :class:`PageError` saying in plain words what is wrong."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PageError(f"the page cannot be opened: {error}") from error
    header = _HEADER.match(source)
    if not header:
        raise PageError(
            'the first line must be the page\'s record: <!-- page: {"title": "…", "breadcrumb": "…", "source": "…", '
            '"checked": "…", "reviewer": "", "approved": "", "review_by": "…"} -->'
        )
    try:
        record = json.loads(header.group(1))
    except json.JSONDecodeError as error:
        raise PageError(
            f"the record on the first line cannot be read ({error.msg}, character {error.pos + 1}); each field is "
            'written "name": "value", separated by commas'
        ) from error
    if not isinstance(record, dict):
        raise PageError('the record on the first line must be written {"name": "value", …}')
    return Page(path, record, source[header.end() :])


class _VisibleText(HTMLParser):
    """Collects what a patient reads: text outside scripts and styles, a blank line between blocks, and each
    web link written ``[words](address)`` (so the link rules see the address and reading grades do not)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: List[str] = []
        self.hidden = 0
        self.href: Optional[str] = None

    def handle_starttag(self, tag: str, attrs: List[Any]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a":
            self.href = dict(attrs).get("href") or ""
            self.parts.append("[")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self.href is not None:
            self.parts.append(f"]({self.href})")
            self.href = None

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def visible_text(html: str) -> str:
    """The words of a page's HTML as a patient reads them, paragraph by paragraph."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    paragraphs = (re.sub(r" +", " ", block).strip() for block in "".join(parser.parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def as_sentences(text: str) -> str:
    """A page's text with each heading, label and list item ended as a sentence: a reading grade counts a
    heading run into the next paragraph as one long sentence."""
    return "\n\n".join(p if p[-1] in ".!?:" else p + "." for p in text.split("\n\n") if p)
