"""Serving only signed-off texts: a text not signed off as it is now gives way to "under review" with contacts,
urgent help never does (its last signed-off wording, else as it is); by default every text is served."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict

import pytest
import time_machine
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from assistant.content.contacts import load_contacts
from assistant.content.opening_hours import UK_TZ
from assistant.content.signed_off import SIGNED_TEXT, servable_version
from assistant.content.system_messages import _system_texts, system_texts
from assistant.content.versions import SIGNED_VERSION, text_version
from assistant.server.nlg import ContentNaturalLanguageGenerator
from tests.conftest import CONTACTS_FIXTURE, PROJECT_ROOT

HOTLINE = load_contacts(CONTACTS_FIXTURE)["hotline"].phone
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=UK_TZ)


def signed(response: dict) -> dict:
    """``response`` as the console leaves it after a reviewer's sign-off."""
    metadata = {**response["metadata"], "reviewer": "Dr A Reviewer", "approved": "2026-11-30"}
    metadata[SIGNED_VERSION] = text_version({**response, "metadata": metadata})
    metadata[SIGNED_TEXT] = response["text"]
    return {**response, "metadata": metadata}


def answer(text: str) -> dict:
    return {
        "text": text,
        "metadata": {"answer_id": "cart/what_is", "question": "What is CAR-T?", "review_by": "2027-05-26"},
    }


URGENT = {"text": "Call the {hotline_name} on {hotline_phone} now.", "metadata": {"answer_id": "urgent_help"}}


def nlg_with(tmp_path, responses: dict) -> ContentNaturalLanguageGenerator:
    folder = tmp_path / "responses"
    folder.mkdir(exist_ok=True)  # no live answers: the model's responses are served
    return ContentNaturalLanguageGenerator(
        EndpointConfig(responses_dir=str(folder)), Domain.from_dict({"responses": responses})
    )


async def say(nlg: ContentNaturalLanguageGenerator, action: str) -> Dict[str, Any]:
    reply = await nlg.generate(action, DialogueStateTracker("patient", []), "rest")
    assert reply is not None, f"no reply for {action}"
    return reply


def test_which_version_may_be_served():
    good = signed(answer("Signed wording."))
    changed = {**good, "text": "Edited after sign-off."}
    assert servable_version(good, False) == good
    assert servable_version(answer("Never signed."), False) is None
    assert servable_version(changed, False) is None
    assert (servable_version(changed, True) or {})["text"] == "Signed wording."  # urgent: last signed-off wording
    assert servable_version(URGENT, True) == URGENT  # urgent, never signed: as it is


@time_machine.travel(NOW)
@pytest.mark.parametrize("signed_only", [False, True])
async def test_a_signed_off_answer_is_served_in_both_modes(tmp_path, configure, signed_only):
    configure(serve_signed_off_only=signed_only)
    nlg = nlg_with(tmp_path, {"utter_cart/what_is": [signed(answer("Signed wording."))]})
    assert (await say(nlg, "utter_cart/what_is"))["text"] == "Signed wording."


@time_machine.travel(NOW)
async def test_by_default_an_unsigned_or_changed_answer_is_served_as_it_is(tmp_path, configure):
    configure(serve_signed_off_only=False)
    changed = {**signed(answer("Signed wording.")), "text": "Edited wording."}
    nlg = nlg_with(tmp_path, {"utter_cart/what_is": [changed], "utter_cart/car_meaning": [answer("Unsigned.")]})
    assert (await say(nlg, "utter_cart/what_is"))["text"] == "Edited wording."
    assert (await say(nlg, "utter_cart/car_meaning"))["text"] == "Unsigned."


@time_machine.travel(NOW)
@pytest.mark.parametrize("kind", ["never signed", "changed since sign-off"])
async def test_signed_off_only_holds_back_an_answer_not_signed_as_it_is_and_gives_the_contacts(
    tmp_path, configure, kind
):
    configure(serve_signed_off_only=True)
    response = answer("Unsigned.") if kind == "never signed" else {**signed(answer("Signed.")), "text": "Edited."}
    nlg = nlg_with(tmp_path, {"utter_cart/what_is": [response]})
    reply = await say(nlg, "utter_cart/what_is")
    assert "being updated" in reply["text"] and "Unsigned" not in reply["text"] and "Edited" not in reply["text"]
    assert HOTLINE in reply["text"] and "999" in reply["text"] and "NHS 111" in reply["text"]
    assert reply["metadata"] == {"answer_id": "cart/what_is", "withheld": "not_signed_off"}


@time_machine.travel(NOW)
async def test_signed_off_only_holds_back_other_texts_with_the_text_under_review(tmp_path, configure):
    configure(serve_signed_off_only=True)
    greet = {"text": "Hello!", "metadata": {"source": "own words", "review_by": "2027-05-26"}}
    reply = await say(nlg_with(tmp_path, {"utter_greet": [greet]}), "utter_greet")
    assert reply["text"].startswith("Sorry, this part of the chat is being updated")


@time_machine.travel(NOW)
async def test_signed_off_only_never_holds_back_urgent_help(tmp_path, configure):
    configure(serve_signed_off_only=True)
    never_signed = await say(nlg_with(tmp_path, {"utter_urgent_help": [URGENT]}), "utter_urgent_help")
    assert HOTLINE in never_signed["text"] and "withheld" not in (never_signed.get("metadata") or {})
    edited = {**signed(URGENT), "text": "Edited urgent text, not signed: {hotline_phone}."}
    reply = await say(nlg_with(tmp_path, {"utter_urgent_help": [edited]}), "utter_urgent_help")
    assert reply["text"].startswith("Call the ") and reply["text"].endswith(f"on {HOTLINE} now.")


@time_machine.travel(NOW)
async def test_did_you_mean_suggests_no_answer_that_would_be_held_back(tmp_path, configure):
    from rasa.shared.core.events import UserUttered

    configure(serve_signed_off_only=True)
    responses = {
        "utter_clarify": [signed({"text": "Did you mean one of these?", "metadata": {"source": "own words"}})],
        "utter_cart/what_is": [answer("Unsigned.")],
        "utter_jacie/what_is": [
            signed({"text": "JACIE is…", "metadata": {"question": "What is JACIE?", "review_by": "2027-12-01"}})
        ],
    }
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
    reply = await nlg_with(tmp_path, responses).generate("utter_clarify", tracker, "rest")
    assert reply is not None
    assert reply["text"] == "Did you mean one of these?"
    assert [b["title"] for b in reply["buttons"]] == ["What is JACIE?"]


def test_the_urgent_routes_fall_back_to_their_last_signed_off_wording(tmp_path, configure):
    messages = tmp_path / "content" / "system_messages.yml"
    messages.parent.mkdir()
    marker = "Changed, not signed: call {hotline_phone}."
    data = yaml.safe_load((PROJECT_ROOT / "content" / "system_messages.yml").read_text(encoding="utf-8"))
    routes = data["responses"]["urgent_routes"][0]
    data["responses"]["urgent_routes"][0] = {**signed(routes), "text": marker}
    messages.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "content" / "contacts.yml").write_bytes(CONTACTS_FIXTURE.read_bytes())
    _system_texts.cache_clear()
    try:
        configure(served_content_dir=tmp_path, serve_signed_off_only=False)
        assert system_texts().render("urgent_routes").startswith("Changed, not signed")
        configure(served_content_dir=tmp_path, serve_signed_off_only=True)
        shown = system_texts().render("urgent_routes")
        assert "Changed" not in shown and HOTLINE in shown and "999" in shown
    finally:
        _system_texts.cache_clear()
