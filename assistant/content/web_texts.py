"""Every text the website widget and the demo pages show, rendered once, when the widget is built.

``python -m assistant.content.web_texts OUT.json --chat-server URL`` (``scripts/web.sh`` runs it) writes the
one file ``web/build.mjs`` builds the widget and the pages from::

    {"widget": {"texts": {"greeting": "…", …}, "max_characters": 1000},
     "pages": {"index.html": "<!DOCTYPE html>…", …}}

Why in Python: the placeholders are filled by the code the assistant itself uses (:func:`fill`, the contacts'
values from :meth:`Contacts.placeholder_values`, so an unconfirmed contact is never shown and its confirmed
fallback is, and ``{urgent_routes}`` from :func:`placeholder_values`). The widget and the pages say exactly
what the assistant says, and no second copy of those rules exists in JavaScript.

The widget's texts live in ``content/widget_texts.yml`` (governed like every other text: ``make
check-content``); the pages' texts stay in ``web/site/*.html`` (:mod:`assistant.content.site_pages`). A text
the widget needs that is missing, a text it does not know, and a placeholder without a value stop the build
with a plain message (:class:`RenderError`): a wrong text must not reach the website.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from html import escape
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Pattern, Tuple

import yaml

from assistant.content import CONFIG_PATH
from assistant.content.catalogue import WIDGET_PREFIX, WIDGET_TEXT, WIDGET_TEXTS_PATH, read_answers
from assistant.content.contacts import Contacts, ContactsError, load_contacts
from assistant.content.site_pages import PAGE_PLACEHOLDER, SITE_DIR, Page, PageError, read_page, site_pages
from assistant.content.system_messages import (
    PLACEHOLDER,
    URGENT_ROUTES,
    fill,
    load_system_messages,
    placeholder_values,
)
from assistant.settings import settings

# Every text the widget shows, with the values the widget fills in itself as it shows it (an answer's sources
# and dates, a contact's details): the contract between content/widget_texts.yml and web/widget/cart-chat.js,
# which reads each as TEXTS.<name> (tests/web/test_widget_source.py holds the two to it).
WIDGET_TEXTS: Dict[str, Tuple[str, ...]] = {
    "title": (),
    "greeting": (),
    "notice": (),
    "privacy_link": (),
    "urgent_button": (),
    "urgent_panel": (),
    "person_button": (),
    "close_button": (),
    "send_button": (),
    "input_label": (),
    "input_hint": (),
    "log_label": (),
    "replies_label": (),
    "you_said": (),
    "assistant_said": (),
    "assistant_urgent": (),
    "new_tab": (),
    "typing": (),
    "waiting_to_send": (),
    "source_line": ("sources",),
    "checked_line": ("date",),
    "approved_line": ("reviewer", "date"),
    "awaiting_sign_off": (),
    "contact_card_label": (),
    "contact_phone": ("phone",),
    "contact_email": ("email",),
    "contact_hours": ("hours",),
    "contact_website": (),
    "contact_page": (),
    "status_needs_https": (),
    "status_connecting": (),
    "status_could_not_start": (),
    "status_reconnecting": (),
    "erase_button": (),
    "erase_question": (),
    "erase_yes": (),
    "erase_cancel": (),
    "erase_done": (),
    "erase_failed": (),
    "feedback_question": (),
    "feedback_yes": (),
    "feedback_no": (),
    "feedback_reason_question": (),
    "feedback_reason_hard_to_understand": (),
    "feedback_reason_did_not_answer": (),
    "feedback_reason_something_else": (),
    "feedback_thanks": (),
}
# The settings a widget text or a page may mention, each from its one home (see the functions below).
SETTINGS = ("max_characters", "retention_days")
# A widget text without placeholders is also the value of {widget_<name>} (in the other widget texts and in
# the pages), so that a text naming a button ("select Urgent help above") names it as patients see it.
LABEL_PREFIX = "widget_"
# The values the frame (web/site/_layout.html) is given for each page.
FRAME_VALUES = ("page_title", "page_breadcrumb", "page_content", "CHAT_SERVER_URL")
_LEADING_COMMENTS = re.compile(r"\A(?:\s*<!--.*?-->)+\s*", re.S)


class RenderError(ValueError):
    """A text cannot be rendered; the message names the file, the text and what to do."""


# -- the settings patient texts mention -------------------------------------------------------------------


def max_characters(config_path: Path = CONFIG_PATH) -> int:
    """The longest message the assistant reads: ``max_characters`` of the LengthGuard in ``config.yml``."""
    pipeline = (yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}).get("pipeline") or []
    for component in pipeline:
        if isinstance(component, dict) and str(component.get("name", "")).endswith(".LengthGuard"):
            value = component.get("max_characters")
            if isinstance(value, int) and value > 0:
                return value
    raise RenderError(f"{config_path.name}: the LengthGuard needs max_characters (a whole number above 0)")


def setting_values_for_texts() -> Dict[str, int]:
    """The settings patient texts may mention (``{max_characters}``, ``{retention_days}``)."""
    return {"max_characters": max_characters(), "retention_days": settings().retention_days}


# -- rendering ----------------------------------------------------------------------------------------------


def render(
    text: str, values: Mapping[str, str], where: str, keep: Iterable[str] = (), pattern: Pattern[str] = PLACEHOLDER
) -> str:
    """``text`` with its placeholders filled by :func:`fill`; those named in ``keep`` are left for the widget
    to fill as it shows the text. A placeholder with no value is refused, never shown to a patient."""
    keep = tuple(keep)
    unknown = [name for name in dict.fromkeys(pattern.findall(text)) if name not in values and name not in keep]
    if unknown:
        listed = ", ".join("{" + name + "}" for name in unknown)
        raise RenderError(f"{where} uses {listed}, which has no value: check the spelling (see the file's header)")
    return fill(text, {name: value for name, value in values.items() if name not in keep}, pattern)


def text_values(contacts: Contacts, messages: Mapping[str, str], setting_values: Mapping[str, int]) -> Dict[str, str]:
    """Every value a widget text may use: the same contacts and ``{urgent_routes}`` as the assistant's own
    messages (:func:`placeholder_values`), and the settings."""
    values = placeholder_values(contacts, dict(messages))
    values.update({name: str(value) for name, value in setting_values.items()})
    return values


def read_widget_texts(path: Path = WIDGET_TEXTS_PATH) -> Dict[str, str]:
    """The widget's texts by name, as staff wrote them (the same reader as the content check)."""
    texts, error = read_answers(path, WIDGET_TEXT)
    if error is not None:
        raise RenderError(f"{path.name}:{error.line}: {error.message}")
    return {text.key[len(WIDGET_PREFIX) :]: text.text for text in texts}


def render_widget_texts(texts: Mapping[str, str], values: Mapping[str, str]) -> Dict[str, str]:
    """Every text of :data:`WIDGET_TEXTS`, rendered; refuses a missing or empty text and one the widget does not
    show (a misspelt name would otherwise leave the widget without its text)."""
    where = WIDGET_TEXTS_PATH.name
    missing = [name for name in WIDGET_TEXTS if not str(texts.get(name) or "").strip()]
    if missing:
        raise RenderError(f"{where} has no text for {', '.join(missing)}: the widget needs every one")
    unknown = sorted(set(texts) - set(WIDGET_TEXTS))
    if unknown:
        raise RenderError(f"{where}: {', '.join(unknown)} is not a text the widget shows: check the spelling")
    values = {**values, **{LABEL_PREFIX + name: text for name, text in widget_labels(texts).items()}}
    return {name: render(texts[name], values, f"{where}: {name}", WIDGET_TEXTS[name]) for name in WIDGET_TEXTS}


def widget_labels(texts: Mapping[str, str]) -> Dict[str, str]:
    """The widget's texts that are also ``{widget_<name>}`` values: those without placeholders."""
    return {name: texts[name] for name in WIDGET_TEXTS if name in texts and not PLACEHOLDER.search(texts[name])}


def _html(text: str) -> str:
    """A rendered text as HTML: its ``**bold**`` and line breaks (it is escaped already)."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text).replace("\n", "<br>\n")


def page_values(
    contacts: Contacts, messages: Mapping[str, str], setting_values: Mapping[str, int], labels: Mapping[str, str]
) -> Dict[str, str]:
    """Every value a page may use, as HTML: the contacts (a phone number as a tap-to-call link), the
    ``{urgent_routes}`` text filled from them by the same :func:`fill`, the settings and the widget's labels."""
    values = {name: escape(value) for name, value in placeholder_values(contacts, dict(messages)).items()}
    for key in contacts.by_key:
        shown = contacts.shown(key)  # a contact not confirmed is never shown: its confirmed fallback is
        if shown.phone:
            values[f"{key}_phone"] = f'<a href="{escape(shown.tel_link)}">{escape(shown.phone)}</a>'
    values[URGENT_ROUTES] = _html(fill(escape(messages[URGENT_ROUTES]), values))
    values.update({name: str(value) for name, value in setting_values.items()})
    values.update({LABEL_PREFIX + name: escape(text) for name, text in labels.items()})
    return values


def _page(path: Path) -> Page:
    try:
        return read_page(path)
    except PageError as error:
        raise RenderError(f"web/site/{path.name}: {error}") from error


def render_pages(values: Mapping[str, str], chat_server: str, site_dir: Path = SITE_DIR) -> Dict[str, str]:
    """Each demo page inside the shared frame (``_layout.html``), every ``{{placeholder}}`` filled."""
    paths = site_pages(site_dir)
    layout = next((_page(p) for p in paths if p.name == "_layout.html"), None)
    if layout is None:
        raise RenderError(f"{site_dir}: the shared frame _layout.html is missing")
    frame = _LEADING_COMMENTS.sub("", layout.body, count=1)  # its record and the note for whoever edits it
    pages: Dict[str, str] = {}
    for page in (_page(p) for p in paths if p.name != "_layout.html"):
        where = f"web/site/{page.name}"
        heading = {name: str(page.record.get(name) or "").strip() for name in ("title", "breadcrumb")}
        if not all(heading.values()):
            raise RenderError(f'{where}: the record on the first line needs a "title" and a "breadcrumb"')
        content = render(page.body.rstrip(), values, where, pattern=PAGE_PLACEHOLDER)
        in_frame = {
            **values,
            "page_title": escape(heading["title"]),
            "page_breadcrumb": escape(heading["breadcrumb"]),
            "page_content": content,
            "CHAT_SERVER_URL": escape(chat_server),
        }
        pages[page.name] = render(frame, in_frame, "web/site/_layout.html", pattern=PAGE_PLACEHOLDER)
    return pages


def render_web(
    chat_server: str,
    contacts: Optional[Contacts] = None,
    widget_texts: Optional[Mapping[str, str]] = None,
    site_dir: Path = SITE_DIR,
    setting_values: Optional[Mapping[str, int]] = None,
) -> Dict[str, Any]:
    """Everything ``web/build.mjs`` needs: the widget's texts and settings, and the rendered pages."""
    contacts = contacts or load_contacts()
    messages = load_system_messages()
    setting_values = setting_values or setting_values_for_texts()
    written = read_widget_texts() if widget_texts is None else widget_texts
    texts = render_widget_texts(written, text_values(contacts, messages, setting_values))
    values = page_values(contacts, messages, setting_values, widget_labels(written))
    return {
        "widget": {"texts": texts, "max_characters": setting_values["max_characters"]},
        "pages": render_pages(values, chat_server, site_dir),
    }


# -- what the content check allows ---------------------------------------------------------------------------


def widget_placeholders(name: str) -> Tuple[str, ...]:
    """The placeholders a widget text may use besides the contacts and ``{urgent_routes}``."""
    return (*WIDGET_TEXTS.get(name, ()), *SETTINGS, *(LABEL_PREFIX + label for label in WIDGET_TEXTS))


def page_placeholders() -> Tuple[str, ...]:
    """The placeholders a page (or the frame) may use besides the contacts and ``{urgent_routes}``."""
    return (*FRAME_VALUES, *SETTINGS, *(LABEL_PREFIX + label for label in WIDGET_TEXTS))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Render every text of the website widget and the demo pages into one JSON file for web/build.mjs."
    )
    parser.add_argument("out", type=Path, help="the JSON file to write")
    parser.add_argument("--chat-server", required=True, help="the assistant's address the demo pages' widget uses")
    args = parser.parse_args(argv)
    try:
        rendered = render_web(args.chat_server)
    except (RenderError, ContactsError) as error:
        print(f"web texts: {error}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rendered, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(
        f"web texts: {len(rendered['widget']['texts'])} widget texts and {len(rendered['pages'])} pages in {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
