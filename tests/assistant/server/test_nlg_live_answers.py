"""The NLG serves answers as staff last saved them, and never an answer past its review-by date."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Dict

import pytest
import time_machine
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from assistant.content.contacts import load_contacts
from assistant.content.opening_hours import UK_TZ
from assistant.server.nlg import ContentNaturalLanguageGenerator
from tests.conftest import CONTACTS_FIXTURE

HOTLINE = load_contacts(CONTACTS_FIXTURE)["hotline"].phone


def answer_file(text: str, review_by: str = "2027-05-26") -> str:
    return f"""version: "3.1"
responses:
  utter_cart/what_is:
  - text: "{text}"
    metadata:
      answer_id: cart/what_is
      topic: "CAR-T basics"
      question: "What is CAR-T cell therapy?"
      source: "https://www.england.nhs.uk/commissioning/spec-services/advanced-therapy-medicinal-products/car-t-therapy/"
      checked: "2026-11-26"
      reviewer: ""
      approved: ""
      review_by: "{review_by}"
"""


def save(path: Path, content: str) -> None:
    """Write like an editor does, and make sure the modification time moves on."""
    before = path.stat().st_mtime if path.exists() else 0
    path.write_text(content, encoding="utf-8")
    os.utime(path, (before + 1, before + 1))


MODEL_RESPONSES = {
    "utter_cart/what_is": [
        {"text": "Model text about CAR-T.", "metadata": {"answer_id": "cart/what_is", "review_by": "2027-05-26"}}
    ],
    "utter_cart/car_meaning": [
        {
            "text": "Model text: CAR stands for chimeric antigen receptor.",
            "metadata": {"answer_id": "cart/car_meaning", "review_by": "2027-05-26"},
        }
    ],
    "utter_urgent_help": [
        {"text": "Call the {hotline_name} on {hotline_phone} now.", "metadata": {"answer_id": "urgent_help"}}
    ],
}


@pytest.fixture
def content(tmp_path) -> Path:
    directory = tmp_path / "responses"
    directory.mkdir()
    save(directory / "cart.yml", answer_file("Approved text, first version."))
    return directory


@pytest.fixture
def nlg(content) -> ContentNaturalLanguageGenerator:
    domain = Domain.from_dict({"responses": MODEL_RESPONSES})
    return ContentNaturalLanguageGenerator(EndpointConfig(responses_dir=str(content)), domain)


async def say(nlg: ContentNaturalLanguageGenerator, action: str) -> Dict[str, Any]:
    reply = await nlg.generate(action, DialogueStateTracker("patient", []), "rest")
    assert reply is not None, f"no reply for {action}"
    return reply


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=UK_TZ))
async def test_an_answer_is_served_from_the_content_file_not_the_model(nlg):
    assert (await say(nlg, "utter_cart/what_is"))["text"] == "Approved text, first version."


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=UK_TZ))
async def test_an_answer_names_the_version_of_its_wording_so_a_rating_counts_for_that_wording(nlg, content):
    from assistant.content.versions import text_version

    first = (await say(nlg, "utter_cart/what_is"))["metadata"]["version"]
    assert first == text_version(nlg.responses["utter_cart/what_is"][0]) and first.startswith("sha256:")
    save(content / "cart.yml", answer_file("Approved text, second version."))
    assert (await say(nlg, "utter_cart/what_is"))["metadata"]["version"] not in ("", first)


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=UK_TZ))
async def test_after_a_wording_change_the_models_other_responses_still_work_as_rasa_loads_them(content):
    """Rasa's agent creates the NLG before the model is loaded and sets its responses afterwards
    (rasa/core/agent.py): a live reload must keep them, or every greeting fails after the first edit."""
    nlg = ContentNaturalLanguageGenerator(EndpointConfig(responses_dir=str(content)), None)
    nlg.responses = Domain.from_dict({"responses": MODEL_RESPONSES}).responses
    save(content / "cart.yml", answer_file("Approved text, second version."))
    assert (await say(nlg, "utter_cart/what_is"))["text"] == "Approved text, second version."
    assert (await say(nlg, "utter_cart/car_meaning"))["text"].startswith("Model text: CAR stands")
    assert HOTLINE in (await say(nlg, "utter_urgent_help"))["text"]


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=UK_TZ))
async def test_a_saved_wording_change_is_served_at_once_without_retraining(nlg, content):
    await say(nlg, "utter_cart/what_is")
    save(content / "cart.yml", answer_file("Approved text, second version."))
    assert (await say(nlg, "utter_cart/what_is"))["text"] == "Approved text, second version."


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=UK_TZ))
async def test_an_answer_missing_from_the_files_falls_back_to_the_model_text(nlg):
    assert (await say(nlg, "utter_cart/car_meaning"))["text"].startswith("Model text: CAR stands for")


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=UK_TZ))
async def test_a_file_broken_by_an_edit_keeps_its_last_good_version(nlg, content):
    save(content / "cart.yml", 'responses:\n  utter_cart/what_is:\n  - text: "unclosed quote\n')
    assert (await say(nlg, "utter_cart/what_is"))["text"] == "Approved text, first version."


@pytest.mark.parametrize(
    "unsafe",
    [
        "It is guaranteed to work.",
        "Call 0800 000 0001 now.",
        "Call {hotline_telephone}.",
        "See https://www.example.com/cart for more.",
    ],
)
@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=UK_TZ))
async def test_an_edit_that_breaks_a_content_rule_is_not_served(nlg, content, unsafe):
    await say(nlg, "utter_cart/what_is")
    save(content / "cart.yml", answer_file(unsafe))
    assert (await say(nlg, "utter_cart/what_is"))["text"] == "Approved text, first version."


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=UK_TZ))
async def test_an_unsafe_answer_at_start_up_falls_back_to_the_model_text(tmp_path):
    directory = tmp_path / "responses"
    directory.mkdir()
    save(directory / "cart.yml", answer_file("This will cure you."))
    nlg = ContentNaturalLanguageGenerator(
        EndpointConfig(responses_dir=str(directory)), Domain.from_dict({"responses": MODEL_RESPONSES})
    )
    assert (await say(nlg, "utter_cart/what_is"))["text"] == "Model text about CAR-T."


@time_machine.travel(dt.datetime(2027, 5, 26, 23, 30, tzinfo=UK_TZ))
async def test_an_answer_is_still_shown_on_its_review_by_date(nlg):
    assert (await say(nlg, "utter_cart/what_is"))["text"] == "Approved text, first version."


def contacts_with_haematology(tmp_path: Path, confirmed: bool) -> Path:
    """The test contacts, with the CAR-T team's number confirmed or not (then its web page is given instead)."""
    data = yaml.safe_load(CONTACTS_FIXTURE.read_text(encoding="utf-8"))
    team = data["contacts"]["haematology"]
    team["confirmed"] = confirmed
    if not confirmed:
        team["fallback"] = "car_t_page"
    path = tmp_path / "contacts.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("confirmed", [True, False], ids=["team number confirmed", "team number not confirmed"])
@time_machine.travel(dt.datetime(2027, 5, 27, 0, 30, tzinfo=UK_TZ))
async def test_after_its_review_by_date_an_answer_is_withheld_and_the_team_contact_given(
    content, tmp_path, configure, confirmed
):
    configure(contacts_file=contacts_with_haematology(tmp_path, confirmed))
    nlg = ContentNaturalLanguageGenerator(
        EndpointConfig(responses_dir=str(content)), Domain.from_dict({"responses": MODEL_RESPONSES})
    )
    reply = await say(nlg, "utter_cart/what_is")
    contacts = load_contacts()
    assert "Approved text" not in reply["text"]
    assert "being updated" in reply["text"]
    assert contacts["haematology"].confirmed is confirmed
    assert (
        contacts.shown("haematology").how in reply["text"] and HOTLINE in reply["text"] and "NHS 111" in reply["text"]
    )
    team_phone = contacts["haematology"].phone
    if confirmed:
        assert team_phone in reply["text"]  # a confirmed number is given
    else:
        assert team_phone not in reply["text"]  # a number not yet confirmed is never given (its web page is)
        assert contacts["car_t_page"].url in reply["text"]
    assert {"title": "Talk to a person", "payload": "/handoff"} in reply["buttons"]
    assert reply["metadata"] == {"answer_id": "cart/what_is", "withheld": "review_by_passed"}


@time_machine.travel(dt.datetime(2027, 5, 27, 0, 30, tzinfo=UK_TZ))
async def test_the_guard_also_covers_the_models_own_text(nlg):
    assert "being updated" in (await say(nlg, "utter_cart/car_meaning"))["text"]


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=UK_TZ))
async def test_an_unreadable_review_by_date_is_treated_as_passed(content):
    unreadable = {"utter_cart/car_meaning": [{"text": "Model text.", "metadata": {"review_by": "next spring"}}]}
    nlg = ContentNaturalLanguageGenerator(
        EndpointConfig(responses_dir=str(content)), Domain.from_dict({"responses": unreadable})
    )
    assert "being updated" in (await say(nlg, "utter_cart/car_meaning"))["text"]


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=UK_TZ))
async def test_an_edit_with_an_unreadable_review_by_date_is_not_served(nlg, content):
    save(content / "cart.yml", answer_file("Approved text, second version.", review_by="next spring"))
    assert (await say(nlg, "utter_cart/what_is"))["text"] == "Approved text, first version."


@time_machine.travel(dt.datetime(2040, 1, 1, 10, 0, tzinfo=UK_TZ))
async def test_urgent_help_has_no_review_date_and_is_never_withheld(nlg):
    assert HOTLINE in (await say(nlg, "utter_urgent_help"))["text"]


@time_machine.travel(dt.datetime(2027, 5, 27, 0, 30, tzinfo=UK_TZ))
async def test_did_you_mean_never_suggests_a_withheld_answer(content):
    responses = {
        **MODEL_RESPONSES,
        "utter_clarify": [{"text": "Did you mean one of these?"}],
        "utter_jacie/what_is": [
            {"text": "JACIE is…", "metadata": {"question": "What is JACIE?", "review_by": "2027-12-01"}}
        ],
    }
    nlg = ContentNaturalLanguageGenerator(
        EndpointConfig(responses_dir=str(content)), Domain.from_dict({"responses": responses})
    )
    tracker = DialogueStateTracker.from_events(
        "patient",
        [
            UserUttered(
                "car t or jacie?",
                parse_data={
                    "intent": {"name": "nlu_fallback", "confidence": 0.3},
                    "answer_candidates": ["cart/what_is", "jacie/what_is"],
                },
            )
        ],
    )
    reply = await nlg.generate("utter_clarify", tracker, "rest")
    assert reply is not None
    assert [b["title"] for b in reply["buttons"]] == ["What is JACIE?"]


async def test_did_you_mean_offers_the_answers_an_action_names_instead_of_the_matchers_closest(content):
    """The follow-up action (actions/follow_up.py) offers the last answer's follow-ups, not whatever the matcher
    found closest to "and the other one?"."""
    responses = {
        **MODEL_RESPONSES,
        "utter_clarify": [
            {"text": "Did you mean one of these?", "buttons": [{"title": "Talk", "payload": "/handoff"}]}
        ],
        "utter_jacie/what_is": [
            {"text": "JACIE is…", "metadata": {"question": "What is JACIE?", "review_by": "2027-12-01"}}
        ],
    }
    nlg = ContentNaturalLanguageGenerator(
        EndpointConfig(responses_dir=str(content)), Domain.from_dict({"responses": responses})
    )
    tracker = DialogueStateTracker.from_events(
        "patient",
        [
            UserUttered(
                "and the other one?",
                parse_data={"intent": {"name": "follow_up", "confidence": 0.9}, "answer_candidates": ["cart/what_is"]},
            )
        ],
    )
    named = await nlg.generate("utter_clarify", tracker, "rest", suggested_answers=["jacie/what_is"])
    assert named is not None
    assert [b["title"] for b in named["buttons"]] == ["What is JACIE?", "Talk"]
    closest = await nlg.generate("utter_clarify", tracker, "rest")
    assert closest is not None
    assert [b["title"] for b in closest["buttons"]] == ["What is CAR-T cell therapy?", "Talk"]


async def test_an_overdue_domain_response_is_held_back_but_urgent_help_never_is(nlg_with_domain_response):
    nlg, tracker = nlg_with_domain_response
    greeting = await nlg.generate("utter_greet", tracker, "rest")
    assert greeting["text"].startswith("Sorry, this part of the chat is being updated")
    assert greeting["metadata"]["withheld"] == "review_by_passed"
    assert greeting["buttons"] == [{"title": "Talk to a person", "payload": "/handoff"}]
    urgent = await nlg.generate("utter_urgent_help", tracker, "rest")
    assert "Please get help now" in urgent["text"] and "withheld" not in urgent.get("metadata", {})


@pytest.fixture
def nlg_with_domain_response(tmp_path, configure):
    from rasa.shared.core.trackers import DialogueStateTracker

    from assistant.server.nlg import ContentNaturalLanguageGenerator

    configure(responses_dir=tmp_path)
    overdue = {
        "source": "The assistant's own wording (no facts)",
        "checked": "2025-01-01",
        "reviewer": "",
        "approved": "",
        "review_by": "2025-06-01",
    }
    nlg = ContentNaturalLanguageGenerator()
    nlg.responses = {
        "utter_greet": [{"text": "Hello.", "metadata": overdue}],
        "utter_urgent_help": [
            {
                "text": "**Please get help now.** Call {emergency_phone}.",
                "metadata": {**overdue, "answer_id": "urgent_help"},
            }
        ],
    }
    return nlg, DialogueStateTracker("someone", [])
