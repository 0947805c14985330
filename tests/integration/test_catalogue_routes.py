"""Every way into an answer leads to it, on the running assistant: each follow-up and greeting button reaches the
answer its title names, and each "Did you mean" suggestion (an answer's ``metadata.question``, offered when the
assistant is unsure) reaches that same answer.

Buttons send their payload as text, as the widget does, right after the reply that offered them. What each title
names is written down here (``NAMED_BY_TITLE``), not worked out from the payload, so a button whose payload
leads elsewhere than its title says fails; a new button title must be added to the table.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import yaml

from testkit.runner import answer_ids, click_payload

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

# The answer each button title names (a title shown on several answers names the same one everywhere).
NAMED_BY_TITLE: Dict[str, str] = {
    "About JACIE": "jacie/what_is",
    "About the chemotherapy": "cart/lymphodepleting_chemo",
    "About the hotline": "service/hotline",
    "About the panel": "referral/national_panel",
    "All side effects": "cart/risks_overview",
    "All the steps": "cart/treatment_steps",
    "Areas Clatterbridge covers": "service/area_covered",
    "CAR-T at Clatterbridge": "service/cart_available",
    "Calling if you are deaf": "service/relay_uk",
    "Can my GP refer me?": "referral/gp_role",
    "Clinical trials": "cart/clinical_trials",
    "Collecting the cells": "cart/cell_collection",
    "Deaf or speech-impaired callers": "service/relay_uk",
    "Does Clatterbridge have it?": "jacie/clatterbridge_status",
    "Driving": "cart/driving",
    "Help with a place to stay": "cart/accommodation_support",
    "Help with accommodation": "cart/accommodation_support",
    "How CAR-T works": "cart/how_it_works",
    "How does it work?": "cart/how_it_works",
    "How is it different from CAR-T?": "cart/vs_stem_cell_transplant",
    "How long to make the cells?": "cart/manufacturing_time",
    "How long to make them?": "cart/manufacturing_time",
    "How referral works": "referral/how_it_works",
    "Infections": "cart/infections",
    "Low blood counts": "cart/low_blood_counts",
    "Making the cells": "cart/manufacturing_time",
    "Next: collecting the cells": "cart/cell_collection",
    "Other support": "cart/macmillan_support",
    "Questions to ask": "referral/questions_to_ask",
    "Recovery and follow-up": "cart/recovery_follow_up",
    "Second opinions": "referral/second_opinion",
    "Side effects": "cart/risks_overview",
    "Staying near the centre": "cart/stay_near_centre",
    "Tests before CAR-T": "cart/tests_before",
    "The CAR-T drip": "cart/infusion",
    "The full treatment steps": "cart/treatment_steps",
    "The hospital stay": "cart/hospital_stay",
    "Transplants at Clatterbridge": "service/stem_cell_transplant",
    "Warning signs": "cart/when_to_get_help",
    "What are the risks?": "cart/risks_overview",
    "What does JACIE check?": "jacie/what_it_checks",
    "What does it check?": "jacie/what_it_checks",
    "What if the answer is no?": "referral/panel_says_no",
    "What is CAR-T?": "cart/what_is",
    "What is CRS?": "cart/crs",
    "What is ICANS?": "cart/icans",
    "What is JACIE?": "jacie/what_is",
    "What is bridging treatment?": "cart/bridging_treatment",
    "What to ask": "referral/questions_to_ask",
    "Which cancers?": "cart/which_cancers",
    "Who decides?": "referral/national_panel",
    "Why it matters": "jacie/why_it_matters",
}
# How a patient reaches the assistant's own replies (domain.yml) that offer answer buttons.
DOMAIN_TRIGGERS = {
    "utter_greet": "/greet",
    "utter_capabilities": "/what_can_you_do",
    "utter_records_lookup": "/records_lookup",
}
UNSURE = "cells question"  # a message the assistant is unsure about: it offers "Did you mean" suggestions


def catalogue() -> Dict[str, dict]:
    responses: Dict[str, dict] = {}
    for path in sorted((ROOT / "data" / "responses").glob("*.yml")):
        responses.update(yaml.safe_load(path.read_text(encoding="utf-8"))["responses"])
    return responses


def questions() -> List[Tuple[str, str]]:
    """(answer id, its own question) for every catalogue answer."""
    return [(v["metadata"]["answer_id"], v["metadata"]["question"]) for vs in catalogue().values() for v in vs]


def answer_buttons() -> List[Tuple[str, str, str]]:
    """(what the patient types to get the reply, the reply, the button's title) for every button that sends text."""
    question_of = {f"utter_{answer}": question for answer, question in questions()}
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    found = []
    for name, variations in {**catalogue(), **domain}.items():
        for variation in variations:
            for button in variation.get("buttons") or []:
                if not str(button["payload"]).startswith("/"):
                    trigger = question_of.get(name) or DOMAIN_TRIGGERS.get(name, f"(no trigger for {name})")
                    found.append((trigger, name, str(button["title"])))
    return found


def new_patient() -> str:
    return f"routes-{uuid.uuid4().hex}"


def test_every_button_title_names_an_answer_in_the_table():
    titles = {title for _, _, title in answer_buttons()}
    answers = {answer for answer, _ in questions()}
    assert len(titles) >= 40
    assert sorted(titles - set(NAMED_BY_TITLE)) == [], "add the answer each new title names to NAMED_BY_TITLE"
    assert sorted(set(NAMED_BY_TITLE.values()) - answers) == []


@pytest.mark.parametrize("trigger, source, title", answer_buttons())
def test_each_button_reaches_the_answer_its_title_names(assistant, trigger, source, title):
    patient = new_patient()
    offered = assistant.say(patient, trigger)
    if source.startswith("utter_") and "/" in source:
        assert answer_ids(offered)[:1] == [source.removeprefix("utter_")], (trigger, answer_ids(offered))
    clicked = assistant.say(patient, click_payload(title, offered))
    assert answer_ids(clicked)[:1] == [NAMED_BY_TITLE[title]], (source, title, answer_ids(clicked))


@pytest.mark.parametrize("answer, question", questions())
def test_each_did_you_mean_suggestion_reaches_its_answer(assistant, answer, question):
    patient = new_patient()
    unsure = assistant.say(patient, UNSURE)
    assert answer_ids(unsure)[:1] == ["clarify"]
    suggestions = [b for m in unsure for b in m.get("buttons") or [] if b["payload"] != "/handoff"]
    assert suggestions and all(b["payload"] == b["title"] for b in suggestions)  # a suggestion sends its question
    chosen = assistant.say(patient, question)
    assert answer_ids(chosen)[:1] == [answer], (question, answer_ids(chosen))
