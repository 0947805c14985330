"""The texts the assistant adds by itself (``content/system_messages.yml``) and the placeholders every text uses.

Why a module of its own: the Rasa server (NLG, channels) and the action server (the handoff) render the
same texts the same way, and the action server must not load the Rasa server's code to do so. Every
text may use the contacts' placeholders (``{hotline_phone}``, see :mod:`assistant.content.contacts`) and
``{urgent_routes}``: the one text that says where to get urgent help, written once in that file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, Pattern, Tuple

import yaml

from assistant.content import CONTENT_DIR
from assistant.content.contacts import Contacts

SYSTEM_MESSAGES_PATH = CONTENT_DIR / "system_messages.yml"
# How the widget, the end-to-end scenarios and the trial recognise two replies the assistant makes itself (by
# their metadata, not their wording): "I'm not sure, did you mean…?" and the "reach a person" message sent
# when a turn would otherwise get no reply.
CLARIFY_ANSWER_ID = "clarify"
DEGRADED_ANSWER_ID = "service_degraded"
URGENT_ROUTES = "urgent_routes"
# The values the code gives a message where it renders it, besides the placeholders every text may use.
_HANDOFF_VALUES = (
    "contact_name",
    "contact_phone",
    "contact_url",
    "contact_hours",
    "contact_how",
    "next_opening",
    "team_name",
)
EXTRA_VALUES: Dict[str, Tuple[str, ...]] = {
    "input_too_long": ("max_characters",),
    "handoff_open": _HANDOFF_VALUES,
    "handoff_closed": _HANDOFF_VALUES,
    "handoff_web_page": _HANDOFF_VALUES,
}


def load_system_messages(path: Path = SYSTEM_MESSAGES_PATH) -> Dict[str, str]:
    """The texts the assistant adds itself (``content/system_messages.yml``), by name."""
    responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
    return {str(name): str(variations[0]["text"]) for name, variations in responses.items()}


def placeholder_values(contacts: Contacts, messages: Dict[str, str]) -> Dict[str, str]:
    """Every placeholder a text may use: the contacts' details and ``{urgent_routes}``, the one text that
    says where to get urgent help (itself filled from the contacts)."""
    values = contacts.placeholder_values()
    values[URGENT_ROUTES] = fill(messages[URGENT_ROUTES], values)
    return values


PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, values: Dict[str, Any], pattern: Pattern[str] = PLACEHOLDER) -> str:
    """Fill each ``{name}`` placeholder that has a value, leaving the others as they are.

    (Rasa's ``interpolate_text`` fills nothing at all when one placeholder has no value.) ``pattern`` is
    for the demo web pages, whose placeholders are written ``{{name}}`` (:mod:`assistant.content.web_texts`).
    """
    return pattern.sub(lambda match: str(values.get(match.group(1), match.group(0))), text)
