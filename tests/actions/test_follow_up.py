"""A follow-up ("and the other one?") gets the follow-up the last answer offered, or a choice, never a guess."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.follow_up import ActionFollowUp, answer_of, last_follow_ups, read_questions
from assistant.content import RESPONSES_DIR
from assistant.content.catalogue import load_catalogue
from assistant.content.similarity import normalise

QUESTIONS = {"what is icans": "cart/icans", "what is crs": "cart/crs", "what is jacie": "jacie/what_is"}


def user(text: str, intent: str = "cart") -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}


def bot(answer: Optional[str], *payloads: str, utter_action: Optional[str] = None) -> Dict[str, Any]:
    """A bot message as Rasa records it: the response's metadata nested under the event's metadata."""
    metadata: Dict[str, Any] = {"metadata": {"answer_id": answer} if answer else {}}
    if utter_action:
        metadata["utter_action"] = utter_action
    buttons = [{"title": p, "payload": p} for p in payloads] + [{"title": "Talk to a person", "payload": "/handoff"}]
    return {"event": "bot", "text": "…", "data": {"buttons": buttons}, "metadata": metadata}


def tracker(*events: Dict[str, Any]) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "test-patient",
            "slots": {},
            "latest_message": events[-1].get("parse_data", {}) if events else {},
            "events": list(events),
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


async def run(*events: Dict[str, Any]) -> List[Dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    assert await ActionFollowUp().run(dispatcher, tracker(*events), {}) == []
    return dispatcher.messages


def test_a_bot_message_names_its_answer_by_its_response_or_its_metadata():
    assert answer_of(bot(None, utter_action="utter_cart/crs")) == "cart/crs"
    assert answer_of(bot("cart/icans")) == "cart/icans"
    assert answer_of(bot("clarify", utter_action="utter_clarify")) is None
    assert answer_of(bot("out_of_scope", utter_action="utter_out_of_scope")) is None
    assert answer_of({"event": "bot", "metadata": "not a dict"}) is None


def test_the_follow_ups_are_those_of_the_last_answer_even_after_a_thank_you():
    events = [
        user("what is jacie"),
        bot("jacie/what_is", "What is CRS?", "What is ICANS?"),
        user("what is crs"),
        bot("cart/crs", "What is ICANS?"),
        user("thanks", "thank"),
        bot(None, utter_action="utter_thank"),
        user("and the other one?", "follow_up"),
    ]
    assert last_follow_ups(events, QUESTIONS) == ["cart/icans"]
    assert last_follow_ups(events[:3], QUESTIONS) == ["cart/crs", "cart/icans"]


def test_without_an_answer_before_there_are_no_follow_ups_and_unknown_buttons_are_left_out():
    assert last_follow_ups([user("and the other one?", "follow_up")], QUESTIONS) is None
    assert last_follow_ups([bot("cart/what_is", "Something no answer asks")], QUESTIONS) == []
    malformed: List[Any] = ["not an event", {"event": "bot", "data": "x"}]  # what a broken tracker could hold
    assert last_follow_ups(malformed, QUESTIONS) is None


def test_every_catalogue_answer_s_question_leads_back_to_it():
    catalogue = load_catalogue()
    questions = read_questions(RESPONSES_DIR)
    assert {questions[normalise(a.metadata["question"])] for a in catalogue.answers.values()} == set(catalogue.answers)


def test_a_broken_answer_file_is_refused(tmp_path: Path):
    (tmp_path / "cart.yml").write_text("responses: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_questions(tmp_path)


async def test_one_follow_up_is_answered_as_if_its_button_was_pressed():
    messages = await run(
        user("what is crs"), bot("cart/crs", "What is ICANS?"), user("and the other one?", "follow_up")
    )
    assert [m["response"] for m in messages] == ["utter_cart/icans"]


async def test_two_follow_ups_are_offered_as_a_choice():
    messages = await run(
        user("side effects?"),
        bot("cart/risks_overview", "What is CRS?", "What is ICANS?"),
        user("and the other one?", "follow_up"),
    )
    assert [(m["response"], m.get("suggested_answers")) for m in messages] == [
        ("utter_clarify", ["cart/crs", "cart/icans"])
    ]


async def test_with_no_answer_before_it_the_assistant_says_it_is_not_sure():
    messages = await run(user("and the other one?", "follow_up"))
    assert [(m["response"], m.get("suggested_answers")) for m in messages] == [("utter_clarify", None)]
