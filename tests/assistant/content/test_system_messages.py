"""The texts the assistant adds itself: watched with their contacts, held back when overdue, urgent ones never."""

from __future__ import annotations

import os
import time

import yaml

from assistant.content.contacts import load_contacts
from assistant.content.system_messages import NEVER_HELD_BACK, SYSTEM_MESSAGES_PATH, SystemTexts, load_system_responses
from assistant.content.watched import watched_file
from tests.conftest import CONTACTS_FIXTURE


def texts_from(tmp_path, overdue=(), contacts=CONTACTS_FIXTURE):
    """The project's system texts, with the named ones made overdue, and a copy of the fixture contacts."""
    data = yaml.safe_load(SYSTEM_MESSAGES_PATH.read_text(encoding="utf-8"))
    for name in overdue:
        data["responses"][name][0]["metadata"]["review_by"] = "2025-01-01"
    messages = tmp_path / "system_messages.yml"
    messages.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    contacts_copy = tmp_path / "contacts.yml"
    contacts_copy.write_text(contacts.read_text(encoding="utf-8"), encoding="utf-8")
    return SystemTexts(watched_file(contacts_copy, load_contacts), watched_file(messages, load_system_responses))


def test_an_overdue_text_gives_way_to_the_under_review_text_with_the_urgent_routes(tmp_path):
    texts = texts_from(tmp_path, overdue=["rate_limited"])
    shown = texts.render("rate_limited")
    assert shown.startswith("Sorry, this part of the chat is being updated") and "999" in shown


def test_the_urgent_texts_are_never_held_back(tmp_path):
    texts = texts_from(tmp_path, overdue=sorted(NEVER_HELD_BACK))
    assert texts.render("urgent_routes").startswith("If you feel unwell after CAR-T")
    assert not any(texts.held_back(name) for name in NEVER_HELD_BACK)


def test_a_contacts_edit_is_live_and_a_broken_one_keeps_the_last_good_numbers(tmp_path):
    texts = texts_from(tmp_path)
    path = texts.contacts.source
    before = texts.render("urgent_routes")
    edited = path.read_text(encoding="utf-8").replace('phone: "0800 000 0001"', 'phone: "0800 111 2222"')
    assert edited != path.read_text(encoding="utf-8"), "the fixture's hotline number changed: update this test"
    path.write_text(edited, encoding="utf-8")
    os.utime(path, (time.time() + 1, time.time() + 1))
    assert "0800 111 2222" in texts.render("urgent_routes")
    path.write_text("contacts: [", encoding="utf-8")
    os.utime(path, (time.time() + 2, time.time() + 2))
    assert "0800 111 2222" in texts.render("urgent_routes") and texts.contacts.failed
    assert before != texts.render("urgent_routes")


def test_a_text_with_buttons_is_given_with_them(tmp_path):
    response = texts_from(tmp_path).response("answer_under_review")
    assert response["buttons"] == [{"title": "Talk to a person", "payload": "/handoff"}]


def test_opening_times_and_hours_are_said_in_the_governed_words(tmp_path):
    import datetime as dt

    from assistant.content.opening_hours import UK_TZ

    texts = texts_from(tmp_path)
    now = dt.datetime(2026, 11, 25, 20, 0, tzinfo=UK_TZ)
    assert texts.opening_words(dt.datetime(2026, 11, 25, 21, 0, tzinfo=UK_TZ), now) == "today at 9pm"
    assert texts.opening_words(dt.datetime(2026, 11, 26, 9, 0, tzinfo=UK_TZ), now) == "tomorrow at 9am"
    assert texts.opening_words(dt.datetime(2026, 11, 30, 9, 30, tzinfo=UK_TZ), now) == "on Monday 30 November at 9:30am"
    contacts = texts.contacts.current()
    assert texts.hours_words(contacts["hotline"]) == "24 hours a day, 7 days a week"
    assert texts.hours_words(contacts["haematology"]).startswith("Monday to Friday 09:00-17:00; Saturday closed")
    assert texts.placeholder_values()["haematology_hours"] == texts.hours_words(contacts["haematology"])
