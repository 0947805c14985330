"""Given the assistant's reply, each expectation passes or fails with what was seen instead."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, List

import pytest

from testkit.runner import FAILED, KNOWN_ISSUE, NOT_RUN, PASSED, Player, check_reply, click_payload
from testkit.scenario import Expectations, Scenario, Settings, Step
from tests.testkit.fake_assistant import ANSWER, HANDOFF, UNSURE, URGENT, FakeAssistant


def failed(checks) -> List[str]:
    return [f"{c.expectation}: {c.detail}" for c in checks if not c.passed]


def test_a_matching_reply_passes_every_expectation():
    expect = Expectations(
        says=("immunotherapy", "CAR-T  CELL"),
        does_not_say=("chemo",),
        matches=r"type of \w+",
        answer="cart/*",
        buttons=("how does it work?",),
        urgent_help_first=False,
        unsure=False,
        no_contact_card=True,
    )
    assert failed(check_reply(expect, 200, [ANSWER])) == []


def test_bold_markers_do_not_hide_words_the_patient_reads():
    assert failed(check_reply(Expectations(says=("Call the Test Hotline on 0800 000 0001",)), 200, [URGENT])) == []


def test_each_failed_expectation_says_what_was_seen_instead():
    expect = Expectations(
        says=("JACIE",),
        answer="jacie/what_is",
        buttons=("Talk to a person",),
        contact_card=("hotline",),
        urgent_help_first=True,
        unsure=True,
    )
    assert failed(check_reply(expect, 200, [ANSWER])) == [
        "says “JACIE”: not in the reply",
        "answer jacie/what_is: answer ids served: “cart/what_is”",
        "a button “Talk to a person”: buttons offered: “How does it work?”",
        "a contact card with “hotline”: no contact card",
        "the urgent-help message first: answer ids served: “cart/what_is”",
        "the assistant to say it is unsure: answer ids served: “cart/what_is”",
    ]


def test_urgent_help_must_be_first_not_just_present():
    assert failed(check_reply(Expectations(urgent_help_first=True), 200, [ANSWER, URGENT]))
    assert not failed(check_reply(Expectations(urgent_help_first=True), 200, [URGENT, ANSWER]))


def test_contact_card_lists_exactly_the_expected_contacts_in_order():
    assert not failed(check_reply(Expectations(contact_card=("hotline",)), 200, [HANDOFF]))
    assert failed(check_reply(Expectations(contact_card=("haematology", "hotline")), 200, [HANDOFF])) == [
        "a contact card with “haematology”, “hotline”: contacts shown: “hotline”"
    ]
    assert failed(check_reply(Expectations(no_contact_card=True), 200, [HANDOFF]))


def test_nothing_unexpected_empty_replies_placeholders_and_degraded_answers_always_fail():
    assert failed(check_reply(Expectations(), 200, [])) == ["a reply (not an empty one): the assistant sent nothing"]
    assert failed(check_reply(Expectations(), 200, [{"text": "Call {hotline_phone}"}])) == [
        "no unfilled placeholders: found {hotline_phone}"
    ]
    degraded = [{"text": "Sorry, I can't fetch that", "metadata": {"answer_id": "service_degraded"}}]
    assert len(failed(check_reply(Expectations(), 200, degraded))) == 1
    assert not failed(check_reply(Expectations(answer="service_degraded"), 200, degraded))
    assert failed(check_reply(Expectations(), 413, [{"text": "too long"}])) == ["HTTP status 200: got 413"]
    assert not failed(check_reply(Expectations(status=413), 413, [{"text": "too long"}]))


def test_a_click_sends_the_buttons_payload_and_refuses_what_cannot_be_clicked():
    assert click_payload("talk to a person", [UNSURE]) == "/handoff"
    with pytest.raises(ValueError, match="no button “Email us”.*“What is CRS\\?”, “Talk to a person”"):
        click_payload("Email us", [UNSURE])
    with pytest.raises(ValueError, match="opens tel:08000000001"):
        click_payload("Call the Test Hotline", [HANDOFF])


def scenario(*steps: Step, name: str = "s", **kwargs: Any) -> Scenario:
    return Scenario(name=name, path=Path("tests/e2e/x.yml"), line=1, steps=list(steps), **kwargs)


def test_a_conversation_clicks_through_buttons_and_sends_the_test_clock(fake_webhook):
    played = Player(fake_webhook).play(
        scenario(
            Step(1, Expectations(answer="cart/what_is"), say="what is car-t"),
            Step(2, Expectations(unsure=True), click="How does it work?"),
            Step(3, Expectations(contact_card=("hotline",)), click="Talk to a person"),
            settings=Settings(clock=dt.datetime(2026, 12, 25, 10, 0)),
        )
    )
    assert played.status == PASSED, played.failure
    assert [r["message"] for r in FakeAssistant.requests] == ["what is car-t", "How does CAR-T work?", "/handoff"]
    assert {r["metadata"]["test_clock"] for r in FakeAssistant.requests} == {"2026-12-25T10:00"}
    assert len({r["sender"] for r in FakeAssistant.requests}) == 1


def test_after_a_failed_step_the_rest_are_not_run(fake_webhook):
    played = Player(fake_webhook).play(
        scenario(
            Step(1, Expectations(answer="jacie/*"), say="what is car-t"),
            Step(2, Expectations(), click="How does it work?"),
        )
    )
    assert played.status == FAILED and played.turns[1].error == NOT_RUN
    assert (
        played.failure == "step 1 (types “what is car-t”): expected answer jacie/*; answer ids served: “cart/what_is”"
    )
    assert "metadata" not in FakeAssistant.requests[0]  # no clock set, none sent


def test_a_known_issue_that_fails_is_not_a_failure_and_one_that_passes_says_so(fake_webhook):
    player = Player(fake_webhook)
    still = player.play(scenario(Step(1, Expectations(unsure=True), say="what is car-t"), known_issue="NLU bug"))
    assert still.status == KNOWN_ISSUE and "NLU bug" in still.note
    fixed = player.play(scenario(Step(1, Expectations(), say="what is car-t"), known_issue="NLU bug"))
    assert fixed.status == PASSED and "remove 'known_issue'" in fixed.note


def test_an_assistant_that_does_not_answer_fails_the_step_in_plain_words():
    played = Player("http://127.0.0.1:9/webhooks/rest/webhook", timeout=2).play(
        scenario(Step(1, Expectations(), say="hi"))
    )
    assert played.status == FAILED
    assert (
        played.turns[0].error
        == "no usable reply from the assistant: could not connect to http://127.0.0.1:9/webhooks/rest/webhook"
    )
