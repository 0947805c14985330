"""The texts the assistant adds by itself (``content/system_messages.yml``) and the placeholders every text uses.

Why a module of its own: the Rasa server (NLG, channels) and the action server (the handoff) render the
same texts the same way, and the action server must not load the Rasa server's code to do so. Every
text may use the contacts' placeholders (``{hotline_phone}``, see :mod:`assistant.content.contacts`) and
``{urgent_routes}``: the one text that says where to get urgent help, written once in that file.

Both files are watched (:mod:`assistant.content.watched`): an edit is live at the next message, a broken
edit keeps the last good version. A text past its review-by date is held back like an answer: patients get
``text_under_review`` instead, except the texts that point to urgent help (:data:`NEVER_HELD_BACK`), which
must always be there.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Pattern, Tuple, Union

import yaml

from assistant.content import SYSTEM_MESSAGES_PATH, served
from assistant.content.contacts import Contact, Contacts, contacts_path, load_contacts
from assistant.content.dates import review_passed, today_uk
from assistant.content.opening_hours import DAY_TYPES, UK_TZ
from assistant.content.signed_off import servable_version
from assistant.content.watched import Watched, watched_file
from assistant.settings import settings

logger = logging.getLogger(__name__)

# How the widget, the end-to-end scenarios and the trial recognise two replies the assistant makes itself (by
# their metadata, not their wording): "I'm not sure, did you mean…?" and the "reach a person" message sent
# when a turn would otherwise get no reply.
CLARIFY_ANSWER_ID = "clarify"
# The domain's "Did you mean…?" reply. Its buttons are the closest answers the matcher found, or the answers a
# custom action names under SUGGESTED_ANSWERS_KEY (the follow-ups of the last answer, actions/follow_up.py).
CLARIFY_RESPONSE = "utter_clarify"
SUGGESTED_ANSWERS_KEY = "suggested_answers"
DEGRADED_ANSWER_ID = "service_degraded"
URGENT_ROUTES = "urgent_routes"
# The domain's urgent-help message: the rules answer an urgent symptom with it, and it is never held back.
URGENT_HELP_RESPONSE = "utter_urgent_help"
TEXT_UNDER_REVIEW = "text_under_review"
ANSWER_UNDER_REVIEW = "answer_under_review"
# Never held back when overdue: where to get urgent help must always be there, and the texts shown instead of a
# held-back one cannot be held back themselves.
NEVER_HELD_BACK = frozenset(
    {URGENT_ROUTES, "symptom_mention_note", "handoff_emergency", TEXT_UNDER_REVIEW, ANSWER_UNDER_REVIEW}
)
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
    "handoff_call_button": ("contact_name",),
    "handoff_email_button": ("contact_name",),
    **{f"hours_{day}": ("hours",) for day in ("weekdays", "saturday", "sunday", "bank_holidays")},
    **{name: ("time", "weekday", "day", "month") for name in ("opening_today", "opening_tomorrow", "opening_later")},
}


def load_system_responses(path: Path = SYSTEM_MESSAGES_PATH) -> Dict[str, Dict[str, Any]]:
    """The texts the assistant adds itself (``content/system_messages.yml``), by name, with their metadata."""
    responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
    return {str(name): dict(variations[0]) for name, variations in responses.items()}


def load_system_messages(path: Path = SYSTEM_MESSAGES_PATH) -> Dict[str, str]:
    """The texts the assistant adds itself (``content/system_messages.yml``), by name."""
    return {name: str(response["text"]) for name, response in load_system_responses(path).items()}


def placeholder_values(contacts: Contacts, messages: Dict[str, str]) -> Dict[str, str]:
    """Every placeholder a text may use: the contacts' details (their hours in the governed words of
    :func:`hours_words`) and ``{urgent_routes}``, the one text that says where to get urgent help (itself filled
    from the contacts)."""
    values = contacts.placeholder_values()
    for key in contacts.by_key:
        values[f"{key}_hours"] = hours_words(contacts.shown(key).hours_given, messages)
    values[URGENT_ROUTES] = fill(messages[URGENT_ROUTES], values)
    return values


# The governed words for a contact's opening hours ("hours_<day type>", filled with {hours}, e.g. 09:00-17:00).
_DAY_TYPE_WORDS = {day: f"hours_{day}" for day in DAY_TYPES}


def hours_words(hours: Union[str, Mapping[str, str]], messages: Mapping[str, str]) -> str:
    """A contact's opening hours in words: ``hours_always`` for "24/7", else each day type's text, joined."""
    if isinstance(hours, str):
        return messages["hours_always"] if hours.strip() == "24/7" else hours
    return "; ".join(fill(messages[_DAY_TYPE_WORDS[day]], {"hours": hours[day]}) for day in DAY_TYPES if day in hours)


def opening_words(when: dt.datetime, now: dt.datetime, messages: Mapping[str, str]) -> str:
    """When a closed line opens, in words: "today at 9am", "tomorrow at 9am", "on Tuesday 29 December at 9am"."""
    local, today = when.astimezone(UK_TZ), now.astimezone(UK_TZ).date()
    values = {
        "time": local.strftime("%I:%M%p").lstrip("0").replace(":00", "").lower(),
        "weekday": local.strftime("%A"),
        "day": str(local.day),
        "month": local.strftime("%B"),
    }
    if local.date() == today:
        return fill(messages["opening_today"], values)
    if local.date() == today + dt.timedelta(days=1):
        return fill(messages["opening_tomorrow"], values)
    return fill(messages["opening_later"], values)


PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, values: Dict[str, Any], pattern: Pattern[str] = PLACEHOLDER) -> str:
    """Fill each ``{name}`` placeholder that has a value, leaving the others as they are.

    (Rasa's ``interpolate_text`` fills nothing at all when one placeholder has no value.) ``pattern`` is
    for the demo web pages, whose placeholders are written ``{{name}}`` (:mod:`assistant.content.web_texts`).
    """
    return pattern.sub(lambda match: str(values.get(match.group(1), match.group(0))), text)


@dataclass
class SystemTexts:
    """The system texts with the contacts their placeholders are filled from, both watched, each rendered text
    kept as its last good version (every text is rendered once at start-up, so there always is one)."""

    contacts: Watched[Contacts]
    responses: Watched[Dict[str, Dict[str, Any]]]

    def __post_init__(self) -> None:
        self._last_good: Dict[str, str] = {}
        values = self.placeholder_values()
        for key, response in self.responses.current().items():  # a broken text stops the server, not a patient
            self._last_good[key] = fill(str(response["text"]), values)

    @property
    def messages(self) -> Dict[str, str]:
        """Each text's wording; when only signed-off texts are served, the urgent ones (never held back) in their
        last signed-off wording (:mod:`assistant.content.signed_off`)."""
        signed_only = settings().serve_signed_off_only
        texts = {}
        for name, response in self.responses.current().items():
            served = servable_version(response, True) if signed_only and name in NEVER_HELD_BACK else None
            texts[name] = str((served or response)["text"])
        return texts

    def placeholder_values(self) -> Dict[str, str]:
        return placeholder_values(self.contacts.current(), self.messages)

    def hours_words(self, contact: Contact) -> str:
        return hours_words(contact.hours_given, self.messages)

    def opening_words(self, when: dt.datetime, now: dt.datetime) -> str:
        return opening_words(when, now, self.messages)

    def held_back(self, key: str, today: Optional[dt.date] = None) -> bool:
        """Whether ``key`` is past its review-by date and must not be shown (never the urgent texts)."""
        response = self.responses.current().get(key) or {}
        return key not in NEVER_HELD_BACK and review_passed(response.get("metadata") or {}, today or today_uk())

    def render(self, key: str, **extra: Any) -> str:
        """The text with its placeholders filled (``text_under_review`` instead when it is overdue); the last
        good rendering if this one fails."""
        if self.held_back(key):
            logger.warning("System text %s is past its review-by date: not shown", key)
            key, extra = TEXT_UNDER_REVIEW, {}
        try:
            text = fill(self.messages[key], {**self.placeholder_values(), **extra})
        except Exception:
            logger.exception("Could not render system text %s; using its last good version", key)
            return fill(self._last_good[key], extra)
        if not extra:
            self._last_good[key] = text
        return text

    def response(self, key: str, **extra: Any) -> Dict[str, Any]:
        """The text as a response: rendered, with its buttons (titles filled the same way) when it has some."""
        response: Dict[str, Any] = {"text": self.render(key, **extra)}
        buttons = (self.responses.current().get(key) or {}).get("buttons")
        if buttons:
            values = {**self.placeholder_values(), **extra}
            response["buttons"] = [{k: fill(str(v), values) for k, v in button.items()} for button in buttons]
        return response


@lru_cache(maxsize=4)
def _system_texts(contacts_file: Path, messages_file: Path) -> SystemTexts:
    return SystemTexts(watched_file(contacts_file, load_contacts), watched_file(messages_file, load_system_responses))


def system_texts() -> SystemTexts:
    """This process's system texts and contacts (the files named by the settings, or the published ones:
    :func:`assistant.content.served`), watched."""
    return _system_texts(contacts_path(), served(SYSTEM_MESSAGES_PATH))
