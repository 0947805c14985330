"""Every turn passes one gate, whichever channel it came by: checks, limits, metadata, and always a reply."""

from __future__ import annotations

from functools import partial
from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import CollectingOutputChannel

from assistant.server import turn_gate
from assistant.server.rate_limit import forget_all_clients
from assistant.server.turn_gate import CLIENT_METADATA, Turn, TurnGate, client_metadata, message_limit


class Rasa:
    """Stands in for Rasa's message handling: replies "answer", or nothing, or fails."""

    def __init__(self, behaviour: str = "answer") -> None:
        self.behaviour = behaviour
        self.received = []

    async def __call__(self, message) -> None:
        self.received.append(message)
        if self.behaviour == "fail":
            raise RuntimeError("the tracker store is down")
        if self.behaviour == "answer":
            await message.output_channel.send_text_message(message.sender_id, "answer")


async def through_the_gate(text, rasa=None, metadata=None, connection=None):
    forget_all_clients()
    rasa = rasa or Rasa()
    output = CollectingOutputChannel()
    turn = Turn("c0ffee" * 10, text, metadata, "203.0.113.9", connection)
    outcome = await TurnGate("rest").handle(turn, None, rasa, output, lambda: bool(output.messages))
    return outcome, output.messages, rasa


async def test_a_turn_within_every_limit_reaches_rasa_under_its_conversation_id():
    outcome, replies, rasa = await through_the_gate("what is car-t?", metadata={"language": "cy"})
    assert (outcome.status, outcome.messages) == (200, [])
    assert [r["text"] for r in replies] == ["answer"]
    (message,) = rasa.received
    assert (message.sender_id, message.input_channel, message.metadata) == ("c0ffee" * 10, "rest", {"language": "cy"})


@pytest.mark.parametrize("text", [None, "", "   ", 42, ["hi"], {"text": "hi"}])
async def test_a_turn_without_a_text_gets_the_polite_bad_request(text):
    outcome, _, rasa = await through_the_gate(text)
    assert outcome.status == 400
    assert outcome.messages == [{"text": "Sorry, I couldn't read that message. Please try typing it again."}]
    assert rasa.received == []


async def test_a_turn_longer_than_the_nlu_reads_is_refused_before_rasa_with_the_limit_and_the_urgent_routes():
    outcome, _, rasa = await through_the_gate("x" * 1001)
    assert outcome.status == 413 and rasa.received == []
    (message,) = outcome.messages
    assert "under 1000 characters" in message["text"] and "999" in message["text"]


def answered(output: CollectingOutputChannel) -> bool:
    return bool(output.messages)


async def test_a_connection_over_its_limit_is_refused_whatever_conversation_it_names(configure):
    configure(rate_limit_per_session="2/60", rate_limit_per_ip="1000/60")
    forget_all_clients()
    gate, statuses = TurnGate("socketio"), []
    for number in range(3):
        output = CollectingOutputChannel()
        turn = Turn(f"conversation-{number}", "hi", None, "203.0.113.9", connection="sid-1")
        outcome = await gate.handle(turn, None, Rasa(), output, partial(answered, output))
        statuses.append(outcome.status)
    assert statuses == [200, 200, 429]
    assert outcome.messages[0]["metadata"] == {"answer_id": "rate_limited"}


@pytest.mark.parametrize("behaviour", ["silent", "fail"])
async def test_a_turn_that_got_no_reply_gets_the_ways_to_reach_a_person(behaviour):
    outcome, replies, _ = await through_the_gate("what is car-t?", rasa=Rasa(behaviour))
    assert outcome.status == 200 and replies == []
    (message,) = outcome.messages
    assert message["metadata"] == {"answer_id": "service_degraded"}
    assert "Sorry, I can't fetch that information right now." in message["text"] and "999" in message["text"]


@pytest.mark.parametrize(
    "sent, kept",
    [
        (None, None),
        ("not a dict", None),
        ({}, None),
        ({"language": "pl", "test_clock": "2026-12-25T10:00"}, {"language": "pl", "test_clock": "2026-12-25T10:00"}),
        ({"language": "x" * 36}, None),
        ({"language": ["pl"]}, None),
        ({"customData": {"a": "b"}}, None),
        ({"language": "en", "user": {"name": "Eleanora", "nhs": "943 476 5919"}}, {"language": "en"}),
    ],
)
def test_client_metadata_keeps_only_short_values_of_the_keys_clients_may_send(sent, kept):
    assert client_metadata(sent) == kept


def test_every_kept_value_is_short():
    assert max(CLIENT_METADATA.values()) <= 64


def test_the_message_limit_is_read_from_the_loaded_models_pipeline():
    """The one reach into Rasa's loaded model: if a Rasa upgrade moves the pipeline's settings, this fails."""
    from rasa.engine.graph import GraphSchema, SchemaNode
    from rasa.engine.storage.storage import ModelMetadata

    from assistant.nlu.length_guard import LengthGuard

    assert "predict_schema" in ModelMetadata.__dataclass_fields__
    node = SchemaNode(
        needs={}, uses=LengthGuard, constructor_name="create", fn="process", config={"max_characters": 250}
    )
    schema = GraphSchema({"run_LengthGuard0": node})
    agent = SimpleNamespace(processor=SimpleNamespace(model_metadata=SimpleNamespace(predict_schema=schema)))
    assert message_limit(agent) == 250
    assert message_limit(None) == LengthGuard.get_default_config()["max_characters"] == 1000


def test_the_gate_reads_rate_limits_from_the_settings(configure):
    configure(rate_limit_per_session="5/60", rate_limit_per_ip="7/60")
    limiter = turn_gate.chat_rate_limiter()
    assert (limiter.per_session.limit, limiter.per_ip.limit, limiter.per_connection.limit) == (5, 7, 5)


class Agent:
    """A loaded assistant as the gate sees it: its answers (the NLG's responses) and its conversation store."""

    def __init__(self, tmp_path) -> None:
        from rasa.shared.core.domain import Domain

        from assistant.store.redacting import RedactingSQLTrackerStore

        self.nlg = SimpleNamespace(responses={"utter_cart/what_is": [{"text": "CAR-T is…"}]})
        self.tracker_store = RedactingSQLTrackerStore(
            domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db")
        )


async def rate(agent, text):
    forget_all_clients()
    rasa, output = Rasa(), CollectingOutputChannel()
    turn = Turn("c0ffee" * 10, text, None, "203.0.113.9")
    outcome = await TurnGate("socketio").handle(turn, agent, rasa, output, lambda: bool(output.messages))
    return outcome, rasa


async def test_a_rating_is_recorded_and_thanked_without_reaching_rasa_or_the_conversation(tmp_path):
    from assistant.store.feedback import summary

    agent = Agent(tmp_path)
    text = '/feedback{"answer_id": "cart/what_is", "version": "sha256:' + "b" * 24 + '", "helpful": false}'
    outcome, rasa = await rate(agent, text)
    assert outcome.status == 200 and rasa.received == []
    assert outcome.messages[0]["metadata"] == {"answer_id": "feedback_recorded"}
    assert outcome.messages[0]["text"].startswith("Thank you")
    assert [(row["answer_id"], row["no"]) for row in summary(agent.tracker_store.engine)] == [("cart/what_is", 1)]
    assert await agent.tracker_store.retrieve("c0ffee" * 10) is None  # nothing in the conversation


@pytest.mark.parametrize(
    "text",
    [
        '/feedback{"answer_id": "cart/nope", "version": "sha256:' + "b" * 24 + '", "helpful": true}',
        '/feedback{"answer_id": "cart/what_is", "helpful": true, "name": "Sarah Jones"}',
        "/feedback my name is Sarah Jones",
    ],
)
async def test_a_rating_in_any_other_form_is_refused_politely_and_nothing_is_stored(tmp_path, text):
    from assistant.store.feedback import summary

    agent = Agent(tmp_path)
    outcome, rasa = await rate(agent, text)
    assert outcome.status == 400 and rasa.received == []
    assert outcome.messages[0]["metadata"] == {"answer_id": "feedback_refused"}
    assert summary(agent.tracker_store.engine) == []
