"""Given the real running assistant, the patient sees the right thing, even with parts failing."""

from __future__ import annotations

import uuid

import pytest
import requests

from testkit.runner import answer_ids

pytestmark = pytest.mark.integration


def new_patient() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def texts(messages) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def test_hello_gets_a_greeting_that_says_it_is_automated(assistant, hotline):
    reply = assistant.say(new_patient(), "hello")
    assert "automated assistant" in texts(reply)
    assert hotline.phone in texts(reply)  # placeholders are filled from content/contacts.yml
    assert any(b["title"] == "Talk to a person" for m in reply for b in m.get("buttons", []))


def test_an_urgent_symptom_gets_urgent_help_first(assistant, hotline):
    reply = assistant.say(new_patient(), "I have a temperature of 38.5")
    assert hotline.phone in reply[0]["text"] and "999" in reply[0]["text"]
    assert reply[0]["metadata"]["answer_id"] == "urgent_help"


def test_an_urgent_symptom_inside_a_question_still_comes_first(assistant):
    reply = assistant.say(new_patient(), "my dad is really confused and drowsy, how long is the hospital stay?")
    assert reply[0]["metadata"]["answer_id"] == "urgent_help"


def test_a_catalogue_answer_carries_its_provenance(assistant):
    reply = assistant.say(new_patient(), "what is car t cell therapy")
    metadata = reply[0]["metadata"]
    assert metadata["answer_id"] == "cart/what_is"
    assert metadata["source"] and metadata["checked"]
    assert [source["title"] for source in metadata["sources"]][:1] == ["CAR-T Therapy"]


def test_talk_to_a_person_gives_a_contact_card(assistant):
    reply = assistant.say(new_patient(), "i want to speak to a nurse")
    cards = [m["custom"] for m in reply if m.get("custom", {}).get("type") == "contact_card"]
    assert cards and cards[0]["contacts"]


def test_unreadable_requests_get_a_polite_400(assistant):
    bad_json = requests.post(assistant.webhook, data="{not json", timeout=10)
    assert bad_json.status_code == 400 and "couldn't read" in bad_json.json()[0]["text"]
    no_message = requests.post(assistant.webhook, json={"sender": new_patient()}, timeout=10)
    assert no_message.status_code == 400 and "couldn't read" in no_message.json()[0]["text"]
    wrong_type = requests.post(assistant.webhook, json={"sender": new_patient(), "message": 42}, timeout=10)
    assert wrong_type.status_code == 400 and "couldn't read" in wrong_type.json()[0]["text"]
    guessable = requests.post(assistant.webhook, json={"sender": "x", "message": "hello"}, timeout=10)
    assert guessable.status_code == 400 and "16 to 128" in guessable.json()[0]["error"]
    assert assistant.say(new_patient(), "hello")  # and it keeps answering


def test_a_very_long_message_is_refused_politely_before_nlu(assistant, hotline):
    reply = requests.post(assistant.webhook, json={"sender": new_patient(), "message": "fever " * 2000}, timeout=30)
    assert reply.status_code == 413
    assert "too long" in reply.json()[0]["text"] and hotline.phone in reply.json()[0]["text"]


def test_with_the_action_server_down_answers_and_urgent_help_still_work(assistant, hotline):
    patient = new_patient()
    assert assistant.say(patient, "hello")
    assistant.stop_actions()
    try:
        urgent = assistant.say(patient, "I have a temperature of 38.5")
        assert hotline.phone in urgent[0]["text"]
        answer = assistant.say(patient, "what is car t cell therapy")
        assert answer[0]["metadata"]["answer_id"] == "cart/what_is"
        handoff = assistant.say(patient, "i want to speak to a nurse")
        assert handoff, "the patient must never see an empty reply"
        assert hotline.phone in texts(handoff) and handoff[0]["metadata"]["answer_id"] == "service_degraded"
    finally:
        assistant.start_actions()
    back = assistant.say(patient, "i want to speak to a nurse")
    assert any(m.get("custom", {}).get("type") == "contact_card" for m in back)


def test_a_question_that_mentions_a_symptom_gets_its_answer_and_the_hotline(assistant, hotline):
    reply = assistant.say(new_patient(), "can car-t make you confused?")
    assert answer_ids(reply) == ["cart/icans"]  # its answer, and no alarm
    assert hotline.phone in texts(reply)


def test_unsure_offers_the_closest_answers_then_a_person(assistant):
    patient = new_patient()
    first = assistant.say(patient, "cells question")
    assert "not sure" in texts(first)
    assert first[0]["metadata"]["answer_id"] == "clarify"  # recognisable without reading the wording
    titles = [b["title"] for m in first for b in m.get("buttons", [])]
    assert len(titles) >= 3 and "Talk to a person" in titles  # 2-3 closest answers, then a person
    second = assistant.say(patient, "cells")
    assert any(m.get("custom", {}).get("type") == "contact_card" for m in second)
