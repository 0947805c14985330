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
