"""The REST channel's locked-down surface, in a Sanic app without the model: conversation ids, rate limits, body
size, client metadata, the ``/model`` routes and the version banner, erasure, and hostile requests (never a 500,
and it keeps answering)."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.lock_store import InMemoryLockStore
from rasa.server import add_root_route
from rasa.shared.core.domain import Domain
from sanic import Sanic, response

from assistant.privacy.conversation_ids import conversation_id
from assistant.server.channels import PatientRestInput
from assistant.server.rate_limit import forget_all_clients
from assistant.settings import override
from assistant.store.redacting import RedactingSQLTrackerStore
from tests.assistant.store.test_redacting import conversation

SECRET = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
FUZZ_COUNTS = {}


def sender() -> str:
    return uuid.uuid4().hex


class EchoAgent:
    """Stands in for Rasa's agent: answers every message with one text, remembers what it was given, and has a
    real tracker store."""

    def __init__(self, store) -> None:
        self.tracker_store = store
        self.lock_store = InMemoryLockStore()
        self.received = []

    async def handle(self, message) -> None:
        self.received.append(message)
        await message.output_channel.send_text_message(message.sender_id, "answer")


def make_app(tmp_path):
    forget_all_clients()
    app = Sanic(f"test_{uuid.uuid4().hex}")
    store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    app.ctx.agent = EchoAgent(store)
    add_root_route(app)  # Rasa's own "Hello from Rasa: <version>"

    @app.route("/model/parse", methods=["POST"])  # as if Rasa's API were on
    async def model_parse(_):
        return response.json({"parsed": True})

    app.blueprint(PatientRestInput().blueprint(app.ctx.agent.handle), url_prefix="/webhooks/rest")
    return app


@pytest.fixture
def app(tmp_path, configure):
    configure(rate_limit_per_session="1000/60", rate_limit_per_ip="1000/60")
    return make_app(tmp_path)


def post(app, path, **kwargs):
    """One request through Sanic's ASGI interface (no network server: fast enough to fuzz)."""
    _, reply = asyncio.run(app.asgi_client.post(path, **kwargs))
    return reply


def test_the_conversation_is_kept_under_a_keyed_hash_of_the_sender_never_the_sender_itself(app):
    patient = sender()
    reply = post(app, "/webhooks/rest/webhook", json={"sender": patient, "message": "hi"})
    assert reply.status == 200 and reply.json == [{"recipient_id": patient, "text": "answer"}]
    (received,) = app.ctx.agent.received
    assert received.sender_id == conversation_id(patient) != patient


@pytest.mark.parametrize("guessable", ["t", "patient-1", "s" * 15, "a b c d e f g h i", "../../etc/passwd0000"])
def test_a_sender_anyone_could_guess_is_refused_politely_with_the_rule_for_developers(app, guessable):
    reply = post(app, "/webhooks/rest/webhook", json={"sender": guessable, "message": "hi"})
    assert reply.status == 400
    assert reply.json[0]["text"] == "Sorry, I couldn't read that message. Please try typing it again."
    assert "16 to 128" in reply.json[0]["error"]
    assert app.ctx.agent.received == []


def test_client_metadata_is_cut_to_the_keys_clients_may_send(app):
    metadata = {
        "test_clock": "2026-12-25T10:00",
        "language": "pl",
        "customData": "x" * 30000,
        "nested": {"a": ["b" * 30000] * 2},
        "language_too_long": "y" * 100,
    }
    post(app, "/webhooks/rest/webhook", json={"sender": sender(), "message": "hi", "metadata": metadata})
    post(app, "/webhooks/rest/webhook", json={"sender": sender(), "message": "hi", "metadata": {"language": "z" * 36}})
    first, second = app.ctx.agent.received
    assert first.metadata == {"test_clock": "2026-12-25T10:00", "language": "pl"}
    assert second.metadata is None


def test_a_conversation_over_its_rate_limit_gets_a_polite_429(tmp_path, configure):
    configure(rate_limit_per_session="3/60", rate_limit_per_ip="1000/60")
    app = make_app(tmp_path)
    patient = sender()
    statuses = []
    for _ in range(4):
        reply = post(app, "/webhooks/rest/webhook", json={"sender": patient, "message": "hi"})
        statuses.append(reply.status)
    assert statuses == [200, 200, 200, 429]
    assert reply.json[0]["text"].startswith("You are sending messages faster than I can answer.")
    assert reply.json[0]["metadata"] == {"answer_id": "rate_limited"}
    assert post(app, "/webhooks/rest/webhook", json={"sender": sender(), "message": "hi"}).status == 200


def test_an_address_over_its_rate_limit_gets_a_polite_429(tmp_path, configure):
    configure(rate_limit_per_session="1000/60", rate_limit_per_ip="2/60")
    app = make_app(tmp_path)
    statuses = [
        post(app, "/webhooks/rest/webhook", json={"sender": sender(), "message": "hi"}).status for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_the_model_routes_are_refused_even_when_present(app):
    reply = post(app, "/model/parse", json={"text": "hi"})
    assert reply.status == 404 and reply.json.get("parsed") is None
    _, put = asyncio.run(app.asgi_client.put("/model", json={"model_file": "/tmp/evil.tar.gz"}))
    assert put.status == 404


def test_a_message_over_the_length_limit_is_refused_before_nlu(tmp_path, configure):
    configure(rate_limit_per_session="1000/60", rate_limit_per_ip="1000/60")
    app = make_app(tmp_path)
    patient = sender()
    reply = post(app, "/webhooks/rest/webhook", data=json.dumps({"sender": patient, "message": "x" * 1001}))
    assert reply.status == 413 and reply.json[0]["text"].startswith("Sorry, your message is too long for me.")
    assert app.ctx.agent.received == []
    assert post(app, "/webhooks/rest/webhook", json={"sender": patient, "message": "hi"}).status == 200


def test_the_root_route_does_not_tell_which_rasa_runs(app):
    _, reply = asyncio.run(app.asgi_client.get("/"))
    assert reply.status == 200 and reply.json == {"status": "ok"} and "Rasa" not in reply.text


def test_erase_deletes_only_the_callers_own_conversation(app):
    store = app.ctx.agent.tracker_store
    asyncio.run(store.save(conversation(conversation_id(SECRET))))
    asyncio.run(store.save(conversation(conversation_id("someone-else-entirely"))))
    reply = post(app, "/webhooks/rest/erase", json={"session_secret": SECRET})
    assert reply.status == 200 and reply.json == {"erased": True}
    assert asyncio.run(store.retrieve(conversation_id(SECRET))) is None
    assert asyncio.run(store.retrieve(conversation_id("someone-else-entirely"))) is not None


def test_a_conversation_started_over_rest_can_be_erased_with_its_sender(app):
    patient = sender()
    post(app, "/webhooks/rest/webhook", json={"sender": patient, "message": "my name is Eleanora"})
    store = app.ctx.agent.tracker_store
    asyncio.run(store.save(conversation(conversation_id(patient))))
    assert post(app, "/webhooks/rest/erase", json={"session_secret": patient}).json == {"erased": True}
    assert asyncio.run(store.retrieve(conversation_id(patient))) is None


def test_knowing_the_stored_id_is_not_enough_to_erase(app):
    """The stored id is what a database dump or a log would show; sent as the "secret" it names another
    conversation."""
    store = app.ctx.agent.tracker_store
    session_id = conversation_id(SECRET)
    asyncio.run(store.save(conversation(session_id)))
    reply = post(app, "/webhooks/rest/erase", json={"session_secret": session_id})
    assert reply.json == {"erased": True}  # the answer reveals nothing...
    assert asyncio.run(store.retrieve(session_id)) is not None  # ...and the conversation is still there


@pytest.mark.parametrize(
    "body",
    [
        None,
        "not json",
        json.dumps([]),
        json.dumps({}),
        json.dumps({"session_secret": 42}),
        json.dumps({"session_secret": "short"}),
        json.dumps({"session_secret": ["x" * 43]}),
        json.dumps({"sender": "abc"}),
    ],
)
def test_erase_with_bad_input_is_a_polite_400(app, body):
    reply = post(app, "/webhooks/rest/erase", data=body)
    assert reply.status == 400 and reply.json["erased"] is False and reply.json["text"]


def test_erase_without_a_redacting_store_says_it_could_not(app):
    app.ctx.agent.tracker_store = None
    reply = post(app, "/webhooks/rest/erase", json={"session_secret": SECRET})
    assert reply.status == 503 and reply.json["erased"] is False


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)
hostile_text = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "'; DROP TABLE events; --",
            "<script>alert(1)</script>",
            "\u202eevil\u202c",
            "\x00\x01\x1b[2J",
            "🙂" * 300,
            "ﷺ" * 50,
            "a" * 1001,
            "{{hotline_phone}}",
            "%s%s%n",
            "${ACTION_SERVER_TOKEN}",
        ]
    ),
)
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {"sender": json_values | st.text(max_size=20) | st.just("a" * 32), "message": json_values | hostile_text},
        optional={"metadata": json_values},
    ).map(json.dumps),
)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies)
def test_hostile_bodies_never_cause_a_server_error(fuzz_app, body):
    app = fuzz_app
    for path in ("/webhooks/rest/webhook", "/webhooks/rest/erase"):
        reply = post(app, path, data=body, headers={"Content-Type": "application/json"})
        assert reply.status in {200, 400, 413, 429}, (path, body, reply.status)
        assert reply.json is not None  # always a JSON answer the widget can show
        FUZZ_COUNTS[path] = FUZZ_COUNTS.get(path, 0) + 1
    assert (
        post(app, "/webhooks/rest/webhook", json={"sender": sender(), "message": "hello"}).json[0]["text"] == "answer"
    )


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    with override(rate_limit_per_session="100000/60", rate_limit_per_ip="100000/60"):
        yield make_app(tmp_path_factory.mktemp("fuzz"))
    print(f"\nfuzz (REST channel, in process): {FUZZ_COUNTS}")
