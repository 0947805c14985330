"""Given the real running assistant, its surface is locked down: no HTTP API or /model routes, CORS only
for the configured pages (REST and socket.io), an action server that answers only the Rasa server,
erasure by the session's secret, rate limits, and no connection ever leaves the machine."""

from __future__ import annotations

import base64
import json
import os
import queue
import sqlite3
import time
import uuid

import pytest
import requests
import socketio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.privacy.conversation_ids import conversation_id
from testkit.network_trace import loopback_connects, outbound_attempts
from tests.assistant.server.test_action_server import action_call
from tests.integration.test_socketio_channel import WidgetClient

pytestmark = pytest.mark.integration

ALLOWED_ORIGIN = "http://127.0.0.1:8080"
EVIL_ORIGIN = "http://evil.example"
FUZZ_COUNTS = {}


def url(assistant, path: str) -> str:
    return f"http://127.0.0.1:{assistant.rasa_port}{path}"


def still_answers(assistant) -> None:
    reply = assistant.say(f"alive-{uuid.uuid4().hex}", "hello")
    assert "automated assistant" in reply[0]["text"]


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/status"),
        ("GET", "/version"),
        ("PUT", "/model"),
        ("POST", "/model/parse"),
        ("POST", "/model/train"),
        ("GET", "/conversations/x/tracker"),
        ("POST", "/conversations/x/messages"),
        ("GET", "/domain"),
    ],
)
def test_the_http_api_and_model_routes_are_not_exposed(assistant, method, path):
    reply = requests.request(
        method, url(assistant, path), json={"text": "hi", "model_file": "/tmp/x.tar.gz"}, timeout=10
    )
    assert reply.status_code in {404, 405}


def test_rest_cors_allows_only_the_configured_pages(assistant):
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    good = requests.options(assistant.webhook, headers={"Origin": ALLOWED_ORIGIN, **preflight}, timeout=10)
    assert good.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    evil = requests.options(assistant.webhook, headers={"Origin": EVIL_ORIGIN, **preflight}, timeout=10)
    assert evil.headers.get("Access-Control-Allow-Origin") in (None, "")


def test_socketio_accepts_only_the_configured_pages(assistant):
    evil = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        evil.connect(url(assistant, ""), transports=["polling"], headers={"Origin": EVIL_ORIGIN})
    good = socketio.Client(reconnection=False)
    good.connect(url(assistant, ""), transports=["polling"], headers={"Origin": ALLOWED_ORIGIN})
    assert good.connected
    good.disconnect()


def test_the_action_server_answers_only_with_the_token(assistant):
    call = action_call()
    webhook = f"http://127.0.0.1:{assistant.action_port}/webhook"
    assert requests.post(webhook, json=call, timeout=10).status_code == 401
    assert requests.get(f"http://127.0.0.1:{assistant.action_port}/actions", timeout=10).status_code == 401
    authorised = requests.post(
        webhook, json=call, timeout=10, headers={"Authorization": f"Bearer {assistant.env['ACTION_SERVER_TOKEN']}"}
    )
    assert authorised.status_code == 200
    # and the Rasa server's own calls get through: a handoff shows a contact card
    reply = assistant.say(f"p-{uuid.uuid4().hex}", "i want to speak to a nurse")
    assert any(m.get("custom", {}).get("type") == "contact_card" for m in reply)


def test_delete_my_conversation_removes_it_from_the_tracker_store(assistant):
    secret = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
    widget = WidgetClient(url(assistant, ""), secret)
    widget.say("what is car t cell therapy")
    widget.close()
    stored_id = conversation_id(secret, assistant.env["CONVERSATION_KEY"].encode())

    def stored() -> int:
        with sqlite3.connect(assistant.db) as db:
            return db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (stored_id,)).fetchone()[0]

    assert stored() > 0
    someone_else = requests.post(
        url(assistant, "/webhooks/rest/erase"), json={"session_secret": stored_id}, timeout=10
    )  # knows only the stored id
    assert someone_else.status_code == 200 and stored() > 0
    erased = requests.post(
        url(assistant, "/webhooks/rest/erase"),
        json={"session_secret": secret},
        headers={"Origin": ALLOWED_ORIGIN},
        timeout=10,
    )
    assert erased.status_code == 200 and erased.json() == {"erased": True}
    assert erased.headers.get("Access-Control-Allow-Origin") == ALLOWED_ORIGIN
    assert stored() == 0
    assert (
        requests.post(url(assistant, "/webhooks/rest/erase"), json={"session_secret": 1}, timeout=10).status_code == 400
    )


def test_a_conversation_sending_too_fast_is_asked_politely_to_wait(assistant):
    sender = f"fast-{uuid.uuid4().hex}"
    statuses = [
        requests.post(assistant.webhook, json={"sender": sender, "message": "hi"}, timeout=30) for _ in range(32)
    ]
    codes = [r.status_code for r in statuses]
    assert codes[:30] == [200] * 30 and codes[-1] == 429
    assert "wait a moment" in statuses[-1].json()[0]["text"]
    still_answers(assistant)


def test_a_huge_body_is_refused_without_harm(assistant):
    reply = requests.post(
        assistant.webhook,
        data=json.dumps({"sender": uuid.uuid4().hex, "message": "x" * 200_000}),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert reply.status_code == 413
    still_answers(assistant)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
    max_leaves=8,
)
hostile_text = st.text(max_size=120) | st.sampled_from(
    [
        "'; DROP TABLE events; --",
        "<script>alert(1)</script>",
        "\u202efever\u202c",
        "\x00\x1b[2J",
        "🤒" * 200,
        "x" * 1500,
        "/restart",
        '/handoff{"a": 1}',
        "/nlu_fallback",
        "{{hotline_phone}}",
    ]
)
rest_bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(json.dumps),
    st.fixed_dictionaries(
        {"sender": st.text(min_size=1, max_size=20) | json_values, "message": hostile_text | json_values},
        optional={"metadata": json_values},
    ).map(json.dumps),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=rest_bodies)
def test_hostile_rest_requests_never_cause_a_server_error(assistant, body):
    reply = requests.post(assistant.webhook, data=body, headers={"Content-Type": "application/json"}, timeout=60)
    assert reply.status_code in {200, 400, 413, 429}, (body, reply.status_code)
    assert isinstance(reply.json(), list)
    FUZZ_COUNTS["REST webhook"] = FUZZ_COUNTS.get("REST webhook", 0) + 1


@pytest.fixture(scope="module")
def raw_socket(assistant):
    client = socketio.Client(reconnection=False)
    replies: "queue.Queue[dict]" = queue.Queue()
    client.on("bot_uttered", replies.put)
    client.connect(url(assistant, ""), transports=["polling"])
    yield client, replies
    client.disconnect()
    print(f"\nfuzz (running assistant): {FUZZ_COUNTS}")


socket_events = st.tuples(
    st.sampled_from(["user_uttered", "session_request"]),
    json_values
    | st.fixed_dictionaries({"message": hostile_text | json_values, "session_id": st.text(max_size=200) | json_values}),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(event=socket_events)
def test_hostile_socketio_events_get_a_polite_answer_or_nothing(assistant, raw_socket, event):
    client, replies = raw_socket
    client.emit(*event)
    # One event per polling request: the client sends everything queued in one request and the server's
    # engine.io rejects a batch of more than 16 packets, after which the client drops the connection
    # (a CI run failed that way on the assertion below, not on anything the assistant did).
    time.sleep(0.1)
    FUZZ_COUNTS["socket.io events"] = FUZZ_COUNTS.get("socket.io events", 0) + 1
    assert client.connected


def test_an_unreadable_socketio_message_gets_a_polite_answer(assistant):
    # A fresh socket: the fuzzed one may have joined other conversations' rooms, and the server may still be
    # working through the fuzzed messages (a REST turn waits behind them, so the answer below is not raced).
    still_answers(assistant)
    client = socketio.Client(reconnection=False)
    replies: "queue.Queue[dict]" = queue.Queue()
    client.on("bot_uttered", replies.put)
    client.connect(url(assistant, ""), transports=["polling"])
    try:
        client.emit("user_uttered", {"message": 42, "session_id": "x"})
        assert "couldn't read" in replies.get(timeout=30)["text"]
    finally:
        client.disconnect()


def test_a_widget_sending_too_fast_is_asked_politely_to_wait(assistant):
    widget = WidgetClient(url(assistant, ""))
    for _ in range(31):
        widget.sio.emit("user_uttered", {"message": "hello", "session_id": widget.session_id})
        time.sleep(0.05)  # one event per polling request: engine.io drops a batch of more than 16
    answers = []
    try:
        while True:
            answers.append(widget.replies.get(timeout=15))
    except queue.Empty:
        pass
    widget.close()
    limited = [a for a in answers if (a.get("metadata") or {}).get("answer_id") == "rate_limited"]
    assert len(limited) == 1 and "wait a moment" in limited[0]["text"], [
        (a.get("metadata") or {}).get("answer_id") or a.get("text", "")[:30] for a in answers
    ]


def test_the_socket_still_serves_a_widget_after_the_fuzzing(assistant, raw_socket):
    widget = WidgetClient(url(assistant, ""))
    assert "automated assistant" in widget.say("hello")[0]["text"]
    widget.close()
    still_answers(assistant)


def test_no_connection_leaves_the_machine_while_chatting(assistant, network_traces):
    """Every connect/sendto of both servers since start-up, from strace: only loopback, no DNS."""
    assert network_traces.files, "strace must be installed and allowed to trace (scripts/test.sh installs it)"
    still_answers(assistant)
    assistant.say(f"p-{uuid.uuid4().hex}", "i want to speak to a nurse")  # Rasa → action server
    traces = "\n".join(path.read_text(errors="replace") for path in network_traces.files)
    # the trace is live: it recorded the Rasa server's calls to the action server
    assert loopback_connects(traces, assistant.action_port) > 0
    assert outbound_attempts(traces) == []
