"""The REST channel's locked-down surface, in a Sanic app without the model: rate limits, body size,
the ``/model`` routes, erasure, and hostile requests (never a 500, and it keeps answering)."""
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
from rasa.shared.core.domain import Domain
from sanic import Sanic, response

from assistant.server import channels
from assistant.server.channels import PatientRestInput
from assistant.privacy.erasure import session_id_for
from assistant.server.rate_limit import ChatRateLimiter
from assistant.privacy.redacting_store import RedactingSQLTrackerStore
from tests.assistant.privacy.test_tracker_store import conversation

SECRET = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
FUZZ_COUNTS = {}


class EchoAgent:
    """Stands in for Rasa's agent: answers every message with one text, and has a real tracker store."""

    def __init__(self, store) -> None:
        self.tracker_store = store
        self.lock_store = InMemoryLockStore()

    async def handle(self, message) -> None:
        await message.output_channel.send_text_message(message.sender_id, "answer")


def make_app(tmp_path, per_session="1000/60", per_ip="1000/60", monkeypatch=None):
    limiter = ChatRateLimiter.from_settings(per_session, per_ip)
    monkeypatch.setattr(channels, "chat_rate_limiter", lambda: limiter)
    app = Sanic(f"test_{uuid.uuid4().hex}")
    store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    app.ctx.agent = EchoAgent(store)

    @app.route("/model/parse", methods=["POST"])  # as if Rasa's API were on
    async def model_parse(_):
        return response.json({"parsed": True})

    app.blueprint(PatientRestInput().blueprint(app.ctx.agent.handle), url_prefix="/webhooks/rest")
    return app


@pytest.fixture
def app(tmp_path, monkeypatch):
    return make_app(tmp_path, monkeypatch=monkeypatch)


def post(app, path, **kwargs):
    """One request through Sanic's ASGI interface (no network server: fast enough to fuzz)."""
    _, reply = asyncio.run(app.asgi_client.post(path, **kwargs))
    return reply


def test_a_conversation_over_its_rate_limit_gets_a_polite_429(tmp_path, monkeypatch):
    app = make_app(tmp_path, per_session="3/60", monkeypatch=monkeypatch)
    statuses = []
    for _ in range(4):
        reply = post(app, "/webhooks/rest/webhook", json={"sender": "s1", "message": "hi"})
        statuses.append(reply.status)
    assert statuses == [200, 200, 200, 429]
    assert "wait a moment" in reply.json[0]["text"]
    assert post(app, "/webhooks/rest/webhook", json={"sender": "s2", "message": "hi"}).status == 200


def test_an_address_over_its_rate_limit_gets_a_polite_429(tmp_path, monkeypatch):
    app = make_app(tmp_path, per_ip="2/60", monkeypatch=monkeypatch)
    statuses = [post(app, "/webhooks/rest/webhook", json={"sender": f"s{i}", "message": "hi"}).status
                for i in range(3)]
    assert statuses == [200, 200, 429]


def test_the_model_routes_are_refused_even_when_present(app):
    reply = post(app, "/model/parse", json={"text": "hi"})
    assert reply.status == 404 and reply.json.get("parsed") is None
    _, put = asyncio.run(app.asgi_client.put("/model", json={"model_file": "/tmp/evil.tar.gz"}))
    assert put.status == 404


def test_a_body_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("REQUEST_MAX_BYTES", "4096")
    monkeypatch.delenv("SANIC_REQUEST_MAX_SIZE", raising=False)
    app = make_app(tmp_path, monkeypatch=monkeypatch)
    reply = post(app, "/webhooks/rest/webhook", data=json.dumps({"sender": "s", "message": "x" * 10000}))
    assert reply.status == 413
    assert post(app, "/webhooks/rest/webhook", json={"sender": "s", "message": "hi"}).status == 200


def test_erase_deletes_only_the_callers_own_conversation(app):
    store = app.ctx.agent.tracker_store
    asyncio.run(store.save(conversation(session_id_for(SECRET))))
    asyncio.run(store.save(conversation("someone-else")))
    reply = post(app, "/webhooks/rest/erase", json={"session_secret": SECRET})
    assert reply.status == 200 and reply.json == {"erased": True}
    assert asyncio.run(store.retrieve(session_id_for(SECRET))) is None
    assert asyncio.run(store.retrieve("someone-else")) is not None


def test_knowing_the_session_id_is_not_enough_to_erase(app):
    """The session id travels with every message; sent as the "secret" it names another conversation."""
    store = app.ctx.agent.tracker_store
    session_id = session_id_for(SECRET)
    asyncio.run(store.save(conversation(session_id)))
    reply = post(app, "/webhooks/rest/erase", json={"session_secret": session_id})
    assert reply.json == {"erased": True}  # the answer reveals nothing...
    assert asyncio.run(store.retrieve(session_id)) is not None  # ...and the conversation is still there


@pytest.mark.parametrize("body", [
    None, "not json", json.dumps([]), json.dumps({}), json.dumps({"session_secret": 42}),
    json.dumps({"session_secret": "short"}), json.dumps({"session_secret": ["x" * 43]}),
    json.dumps({"sender": "abc"}),
])
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
    st.sampled_from(["'; DROP TABLE events; --", "<script>alert(1)</script>", "\u202eevil\u202c", "\x00\x01\x1b[2J",
                     "🙂" * 300, "ﷺ" * 50, "a" * 1001, "{{hotline_phone}}", "%s%s%n", "${ACTION_SERVER_TOKEN}"]),
)
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(json.dumps),
    st.fixed_dictionaries({"sender": json_values | st.text(max_size=20), "message": json_values | hostile_text},
                          optional={"metadata": json_values}).map(json.dumps),
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
    assert post(app, "/webhooks/rest/webhook", json={"sender": "s", "message": "hello"}).json[0]["text"] == "answer"


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    patcher = pytest.MonkeyPatch()
    yield make_app(tmp_path_factory.mktemp("fuzz"), monkeypatch=patcher)
    patcher.undo()
    print(f"\nfuzz (REST channel, in process): {FUZZ_COUNTS}")
