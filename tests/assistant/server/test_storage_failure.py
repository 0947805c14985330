"""A turn the assistant could not store gets urgent help when it is urgent, the ways to reach a person otherwise."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Dict, Optional

from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain

from assistant.server.storage_failure import reply_without_store, surface_store_errors

URGENT_TEXT = {"text": "Get help now: call the Hotline.", "metadata": {"answer_id": "urgent_help"}}


class FakeAgent:
    """What the channels use of Rasa's agent: the NLU (``parse_message``), the domain and the NLG."""

    def __init__(self, intent: Optional[str], nlu_fails: bool = False) -> None:
        self.intent, self.nlu_fails = intent, nlu_fails
        self.domain = Domain.empty()
        self.nlg = SimpleNamespace(generate=self.generate)
        self.asked: list = []

    async def parse_message(self, text: str) -> Dict[str, Any]:
        if self.nlu_fails:
            raise RuntimeError("the model is not loaded")
        return {"text": text, "intent": {"name": self.intent, "confidence": 1.0}}

    async def generate(self, response: str, tracker: Any, channel: str) -> Dict[str, Any]:
        self.asked.append(response)
        return dict(URGENT_TEXT)


async def test_an_urgent_message_gets_the_urgent_help_response():
    agent = FakeAgent("urgent_symptom")
    reply = await reply_without_store(agent, "patient", "temp 38.6 and shivering")
    assert reply == [{"recipient_id": "patient", **URGENT_TEXT}] and agent.asked == ["utter_urgent_help"]


async def test_any_other_message_gets_the_cant_fetch_message_with_the_urgent_routes():
    reply = await reply_without_store(FakeAgent("cart"), "patient", "what is car-t")
    assert [m["metadata"]["answer_id"] for m in reply] == ["service_degraded"]
    assert "NHS 111" in reply[0]["text"] and "999" in reply[0]["text"]


async def test_without_a_working_nlu_or_agent_the_message_still_names_the_urgent_routes():
    for agent in (FakeAgent(None, nlu_fails=True), None):
        reply = await reply_without_store(agent, "patient", "temp 38.6")
        assert reply[0]["metadata"]["answer_id"] == "service_degraded" and "999" in reply[0]["text"]


def test_the_fail_safe_wrapper_comes_off_the_agent_and_its_processor_once():
    store = InMemoryTrackerStore(Domain.empty())
    agent = SimpleNamespace(tracker_store=FailSafeTrackerStore(store), processor=None)
    agent.processor = SimpleNamespace(tracker_store=agent.tracker_store)
    surface_store_errors(agent)
    surface_store_errors(agent)
    assert agent.tracker_store is store and agent.processor.tracker_store is store
    surface_store_errors(None)  # before a model is loaded: nothing to do
