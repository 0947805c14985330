"""Every text a patient can be shown, rendered as they see it: both urgent-help routes wherever urgent help is
pointed to, and never a contact detail that has not been confirmed.

The texts are the real content (answers, domain responses, system messages, translations, and the website
widget's texts and demo pages as their build renders them); the contacts are a fixture
(tests/fixtures/contacts.yml) with an unconfirmed PALS number, so the guard works whatever staff confirm later.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from assistant.content.catalogue import PAGE, WIDGET_TEXT, load_catalogue
from assistant.content.contacts import load_contacts
from assistant.content.site_pages import visible_text
from assistant.content.system_messages import fill, load_system_messages, placeholder_values
from assistant.content.web_texts import WIDGET_TEXTS, render_web
from tests.conftest import CONTACTS_FIXTURE

CONTACTS = load_contacts(CONTACTS_FIXTURE)
HOTLINE, NHS111 = CONTACTS["hotline"], CONTACTS["nhs111"]
EMERGENCY, RELAY, EMERGENCY_RELAY = CONTACTS["emergency"], CONTACTS["relay"], CONTACTS["emergency_relay"]
UNCONFIRMED = [c for c in CONTACTS.by_key.values() if not c.confirmed]


def patient_texts() -> Dict[str, str]:
    """Every patient-facing text by name, with its placeholders as patients see them."""
    catalogue = load_catalogue()
    values = placeholder_values(CONTACTS, load_system_messages())
    texts = {f"answer {key}": answer.text for key, answer in catalogue.answers.items()}
    texts.update(
        {
            f"{text.kind} {key}": text.text
            for key, text in catalogue.texts.items()
            if text.kind not in (WIDGET_TEXT, PAGE)
        }
    )
    translations = yaml.safe_load(Path("content/other_languages.yml").read_text(encoding="utf-8"))["languages"]
    texts.update({f"translation {code}": entry["text"] for code, entry in translations.items()})
    filled = {name: fill(text, values) for name, text in texts.items()}
    web = render_web("http://127.0.0.1:5005", CONTACTS)  # as the widget's build renders them
    filled.update({f"widget text {name}": text for name, text in web["widget"]["texts"].items()})
    filled.update({f"web page {name}": visible_text(page) for name, page in web["pages"].items()})
    return filled


TEXTS = patient_texts()


def test_the_texts_are_all_there():
    assert len([n for n in TEXTS if n.startswith("answer ")]) >= 50
    assert {
        "response utter_greet",
        "response utter_urgent_help",
        "system message input_too_long",
        "system message answer_under_review",
        "translation pl",
        "widget text urgent_panel",
        "web page privacy.html",
    } <= set(TEXTS)


@pytest.mark.parametrize("name", sorted(n for n, t in TEXTS.items() if HOTLINE.phone in t))
def test_every_pointer_to_the_hotline_names_the_route_for_everyone_else(name):
    """The Hotline is only for the centre's own patients: everyone else is pointed to their own treating team
    or NHS 111 in the same text (translations name NHS 111 and give the same numbers)."""
    text = TEXTS[name]
    assert NHS111.name in text, f"{name} points to the Hotline without NHS 111"
    if not name.startswith("translation "):
        assert "own treating team" in text, f"{name} points to the Hotline without 'your own treating team'"


@pytest.mark.parametrize("name", sorted(n for n, t in TEXTS.items() if HOTLINE.phone in t))
def test_every_pointer_to_the_hotline_also_gives_the_emergency_number(name):
    assert EMERGENCY.phone in TEXTS[name], f"{name} points to the Hotline without {EMERGENCY.phone}"


@pytest.mark.parametrize("name", sorted(n for n, t in TEXTS.items() if RELAY.phone in t))
def test_every_text_relay_route_gives_the_emergency_text_relay_first(name):
    """Deaf and speech-impaired callers: 999 through text relay is its own number (not the relay prefix before
    999), and it comes before the everyday relay routes."""
    text = TEXTS[name]
    assert EMERGENCY_RELAY.phone in text, f"{name} gives text relay without the emergency text relay number"
    assert text.index(EMERGENCY_RELAY.phone) < text.index(RELAY.phone), f"{name} gives the emergency route last"
    assert f"{RELAY.phone} {EMERGENCY.phone}" not in text, f"{name} tells people to dial the relay prefix before 999"


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_no_text_shows_an_unconfirmed_contact_detail(name):
    for contact in UNCONFIRMED:
        for detail in (contact.phone, contact.email):
            assert not (detail and detail in TEXTS[name]), f"{name} shows {contact.key}'s unconfirmed {detail}"


@pytest.mark.parametrize("name", sorted(n for n in TEXTS if not n.startswith("translation ")))
def test_the_urgent_routes_are_said_once(name):
    assert TEXTS[name].count(HOTLINE.phone) <= 1, f"{name} repeats the Hotline number"


def test_no_placeholder_is_left_unfilled():
    """Only the values filled where a text is shown stay: the channel's limit, the handoff's contact and when
    the team opens next ("{time}" and its day, filled by the handoff), and those the widget fills itself (an
    answer's sources and dates, a contact's details)."""
    widget_fills = {"{" + value + "}" for values in WIDGET_TEXTS.values() for value in values}
    left: List[str] = [
        n
        for n, t in TEXTS.items()
        if "{" in t
        and "}" in t
        and not any(
            extra in t
            for extra in ("{max_characters}", "{contact_", "{next_opening}", "{team_name}", "{time}", *widget_fills)
        )
    ]
    assert left == []
