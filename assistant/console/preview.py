"""A text as the widget shows it, and the content check's findings for it, before anything is published.

Why the same code: the preview fills placeholders with the assistant's own renderer
(:func:`assistant.content.rendering.fill_all`, the contacts' values that patients get) and writes the provenance
line from the widget's own texts (``content/widget_texts.yml``); the findings come from the content check
(:class:`assistant.content.rules.ContentChecker`) in the words ``make check-content`` prints. The HTML follows the
widget's ``richText`` (web/widget/cart-chat.js): paragraphs on blank lines, ``**bold**``, links, phone numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from markupsafe import Markup, escape

from assistant.console.texts import Text, Workspace
from assistant.content import SYSTEM_MESSAGES_PATH, WIDGET_TEXTS_PATH
from assistant.content import catalogue as cat
from assistant.content.catalogue import Answer, Catalogue
from assistant.content.contacts import ContactsError, load_contacts
from assistant.content.rendering import fill_all, shown_sources
from assistant.content.rules import ERROR, ContentChecker, load_rules
from assistant.content.system_messages import URGENT_ROUTES, fill, load_system_messages, placeholder_values
from assistant.content.web_texts import read_widget_texts, setting_values_for_texts

URGENT_ANSWER_ID = "urgent_help"
SAFE_LINKS = ("https://", "tel:", "mailto:")  # the widget shows no sign-off line under urgent help
INLINE = re.compile(
    r"\*\*([^*]+)\*\*"
    r"|\[([^\]]+)\]\(([^)\s]+)\)"
    r"|(https://[^\s<>()]*[^\s<>().,;:!?'\"*])"
    r"|(?<![\w.])(0\d(?: ?\d){8,9}|999|111)(?![\w]|\.\d)"
)


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    message: str


def _inline(text: str) -> str:
    out, last = [], 0
    for match in INLINE.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        bold, label, target, url, phone = match.groups()
        if bold is not None:
            out.append(f"<strong>{_inline(bold)}</strong>")
        elif label is not None and target.startswith(SAFE_LINKS):
            out.append(f'<a href="{escape(target)}">{escape(label)}</a>')
        elif label is not None:  # a link to anything else is shown as its words, as the widget does
            out.append(str(escape(match.group(0))))
        elif url is not None:
            out.append(f'<a href="{escape(url)}">{escape(url)}</a>')
        else:
            out.append(f'<a href="tel:{escape(phone.replace(" ", ""))}">{escape(phone)}</a>')
        last = match.end()
    out.append(str(escape(text[last:])))
    return "".join(out)


def rich_text(text: str) -> Markup:
    """The widget's rendering of a text, as HTML (escaped)."""
    paragraphs = re.split(r"\n{2,}", text)
    return Markup("".join(f"<p>{'<br>'.join(_inline(line) for line in p.splitlines())}</p>" for p in paragraphs))


def _date(value: Any) -> str:
    try:
        day = dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return str(value)
    return f"{day.day} {day:%B %Y}"


class Previewer:
    """The values and texts a preview needs, read once per request from the workspace's files."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.problem = ""
        try:
            contacts = load_contacts(workspace.contacts_path)
            messages = load_system_messages(workspace.path(SYSTEM_MESSAGES_PATH))
            self.values: Dict[str, Any] = {**placeholder_values(contacts, messages), **setting_values_for_texts()}
            self.names = sorted([*contacts.placeholder_values(), URGENT_ROUTES])
            self.widget = read_widget_texts(workspace.path(WIDGET_TEXTS_PATH))
        except (ContactsError, OSError, ValueError, KeyError) as error:
            self.values, self.names, self.widget, self.problem = {}, [], {}, str(error)

    def placeholders(self) -> List[Dict[str, str]]:
        """Every placeholder a text may use, with what patients see for it now."""
        return [{"name": name, "value": str(self.values.get(name, ""))} for name in self.names]

    def html(self, text: Text, catalogue: Catalogue) -> Markup:
        """The bubble's text and, for an answer, its provenance line, as the widget shows them."""
        response = fill_all(dict(text.response), self.values)
        body = rich_text(str(response.get("text") or ""))
        line = self.provenance(text, catalogue)
        return Markup(f"{body}{line}") if line else body

    def provenance(self, text: Text, catalogue: Catalogue) -> Optional[Markup]:
        metadata = text.metadata
        if not metadata.get("answer_id") or not (metadata.get("source") or metadata.get("checked")):
            return None
        parts: List[str] = []
        sources = shown_sources(catalogue.sources, metadata)
        if sources and "source_line" in self.widget:
            shown = "; ".join(
                (f'<a href="{escape(s["url"])}">' if s["url"] else "")
                + str(escape(s["title"] + (f" ({s['publisher']})" if s["publisher"] else "")))
                + ("</a>" if s["url"] else "")
                for s in sources
            )
            parts.append(str(escape(self.widget["source_line"])).replace("{sources}", shown))
        if metadata.get("checked") and "checked_line" in self.widget:
            parts.append(str(escape(fill(self.widget["checked_line"], {"date": _date(metadata["checked"])}))))
        if metadata.get("answer_id") != URGENT_ANSWER_ID:
            if metadata.get("reviewer") and metadata.get("approved"):
                values = {"reviewer": metadata["reviewer"], "date": _date(metadata["approved"])}
                parts.append(str(escape(fill(self.widget.get("approved_line", ""), values))))
            else:
                parts.append(str(escape(self.widget.get("awaiting_sign_off", ""))))
        return Markup(f'<p class="console-provenance">{" ".join(parts)}</p>')


def findings(text: Text, catalogue: Catalogue, workspace: Workspace, today: dt.date) -> List[Finding]:
    """The content check's findings for this one text (errors first), in ``make check-content``'s words."""
    checker = ContentChecker(catalogue, load_rules(), today, workspace.contacts_path)
    checker.check_contacts()
    checker.findings.clear()  # the contacts file has its own check; here it only supplies the placeholders
    answer = Answer(text.key, text.path, text.line, text.response, kind=text.kind)
    if text.kind == cat.ANSWER:
        checker.check_metadata(answer)
        checker.check_text(answer)
        checker.check_examples_and_tests(answer)
    else:
        checker.check_governed_text(answer)
    found = [Finding(f.severity, f.message) for f in checker.findings]
    return sorted(dict.fromkeys(found), key=lambda f: f.severity != ERROR)
