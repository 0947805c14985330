"""Given the deploy recipe running for real (nginx with TLS in front of two Rasa replicas and the action server, on
PostgreSQL and Redis, every service configured from deploy/docker-compose.yml), a patient reaches the assistant
only through nginx, and everything the widget needs works there: socket.io over a websocket, REST, "Delete my
conversation", a handoff to a person. Each client address has its own limits: one abuser is slowed down, the
patient next to them is not.

Started by ``make test-deploy`` (scripts/test_deploy.sh); skipped unless ``DEPLOY_TEST=1``. Client addresses
are picked from 127.0.0.0/8 (all loopback) so nginx and the replicas see different patients.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List

import psycopg2
import pytest
import requests
import socketio

from assistant.server.rate_limit import parse_limit
from assistant.settings import Settings
from tests.deploy.clients import Widget, answer_ids, rest_client

pytestmark = pytest.mark.deploy

PATIENT = "127.0.0.5"
ABUSER, NEIGHBOUR = "127.0.0.2", "127.0.0.3"
GREETING = "automated assistant"
TOO_LONG = "x" * 5000  # over the message limit (LengthGuard), under the body limits of nginx and the replicas


@pytest.fixture(scope="module")
def site(deployment) -> str:
    """The centre's page the widget is on: the first of the replicas' CORS_ORIGINS."""
    return deployment.environment["rasa-1"]["CORS_ORIGINS"].split()[0]


def rest_turn(deployment, source: str, text: str, sender: str = "") -> requests.Response:
    return rest_client(deployment.certificate, source).post(
        f"{deployment.url}/webhooks/rest/webhook",
        json={"sender": sender or uuid.uuid4().hex, "message": text},
        timeout=120,
    )


def stored_events(deployment) -> int:
    with psycopg2.connect(deployment.database) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM events")
        return int(cursor.fetchone()[0])


def settled_event_count(deployment, above: int = -1, timeout: float = 30) -> int:
    """The number of stored events once it is above ``above`` and has not changed for a second (a socket.io
    turn's events are saved just after its replies are sent)."""
    deadline, last = time.monotonic() + timeout, -1
    while time.monotonic() < deadline:
        count = stored_events(deployment)
        if count > above and count == last:
            return count
        last = count
        time.sleep(1)
    raise TimeoutError(f"the stored events did not settle above {above}")


async def test_the_widget_chats_over_a_real_websocket_through_nginx(deployment, site):
    widget = await Widget(deployment.url, deployment.certificate, PATIENT, site).open()
    try:
        replies = await widget.say("what is car-t cell therapy?")
    finally:
        await widget.close()
    assert answer_ids(replies)[0] == "cart/what_is"
    assert "immunotherapy" in replies[0]["text"]
    upgraded = [line for line in deployment.logged("transport=websocket") if line.startswith(PATIENT + " ")]
    assert upgraded and all(" 101 " in line for line in upgraded), upgraded


async def test_a_page_of_another_site_cannot_open_the_socket(deployment):
    with pytest.raises(socketio.exceptions.ConnectionError):
        await Widget(deployment.url, deployment.certificate, PATIENT, "https://evil.example").open()


def test_rest_turns_work_through_nginx_for_the_centres_site(deployment, site):
    reply = rest_turn(deployment, PATIENT, "what is car-t cell therapy?")
    assert reply.status_code == 200
    assert answer_ids(reply.json())[0] == "cart/what_is"
    preflight = rest_client(deployment.certificate, PATIENT).options(
        f"{deployment.url}/webhooks/rest/webhook",
        timeout=10,
        headers={
            "Origin": site,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.headers.get("Access-Control-Allow-Origin") == site


async def test_delete_my_conversation_works_through_nginx(deployment, site):
    secret = uuid.uuid4().hex  # what the widget keeps: its session id, which only it and the server see
    before = settled_event_count(deployment)
    widget = Widget(deployment.url, deployment.certificate, PATIENT, site)
    widget.session_id = secret
    await widget.open()
    try:
        assert answer_ids(await widget.say("what is car-t cell therapy?"))[0] == "cart/what_is"
    finally:
        await widget.close()
    assert settled_event_count(deployment, above=before) > before

    erased = rest_client(deployment.certificate, PATIENT).post(
        f"{deployment.url}/webhooks/rest/erase", json={"session_secret": secret}, headers={"Origin": site}, timeout=30
    )
    assert erased.status_code == 200 and erased.json() == {"erased": True}
    assert erased.headers.get("Access-Control-Allow-Origin") == site
    assert stored_events(deployment) == before


def test_a_handoff_reaches_the_action_server_with_its_token(deployment):
    replies = rest_turn(deployment, PATIENT, "i want to speak to a nurse").json()
    assert any((reply.get("custom") or {}).get("type") == "contact_card" for reply in replies), replies
    assert "service_degraded" not in answer_ids(replies)
    # the action server answers only calls that carry the token, so the replicas sent it
    assert requests.get(f"{deployment.action_server}/actions", timeout=10).status_code == 401


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/"),
        ("GET", "/status"),
        ("GET", "/version"),
        ("PUT", "/model"),
        ("POST", "/model/parse"),
        ("GET", "/conversations/x/tracker"),
        ("POST", "/conversations/x/messages"),
        ("GET", "/domain"),
        ("GET", "/webhooks/rest/"),
        ("POST", "/webhooks/socketio/webhook"),
    ],
)
def test_only_the_chat_endpoints_are_routed(deployment, method, path):
    marker = uuid.uuid4().hex
    reply = rest_client(deployment.certificate, PATIENT).request(
        method, f"{deployment.url}{path}?probe={marker}", json={"text": "hi", "model_file": "/tmp/x.tar.gz"}, timeout=10
    )
    assert reply.status_code == 404
    assert reply.headers.get("Server") == "nginx"  # and no version
    logged = deployment.logged(marker)
    assert logged and logged[0].split()[-1] == "-", logged  # answered by nginx, never passed to a replica


def test_the_two_replicas_share_the_patients(deployment):
    seen = set()
    for last in range(10, 60):
        address = f"127.0.0.{last}"
        assert rest_turn(deployment, address, "hello").status_code == 200
        seen.update(deployment.upstreams_of(address))
        if seen == set(deployment.replicas):
            break
    assert seen == set(deployment.replicas)


def test_the_replicas_limits_are_on(deployment):
    for name in ("rasa-1", "rasa-2"):
        env = deployment.environment[name]
        assert env["PROXIES_COUNT"] == "1"
        count, seconds = parse_limit(env.get("RATE_LIMIT_PER_IP", Settings.rate_limit_per_ip))
        assert count / seconds <= 10, "the per-address limit is as good as off"


def a_neighbour_on_the_same_replica(deployment, abuser: str) -> str:
    """A client address nginx sends to the abuser's replica: only there does the replica's own per-address limit
    show whether it tells the two apart (on different replicas they would never share a count)."""
    assert rest_turn(deployment, abuser, "hello").status_code == 200
    replica = deployment.upstreams_of(abuser)[-1]
    for candidate in [NEIGHBOUR, *(f"127.0.0.{n}" for n in range(60, 100))]:
        assert rest_turn(deployment, candidate, "hello").status_code == 200
        if deployment.upstreams_of(candidate)[-1] == replica:
            return candidate
    raise AssertionError("no neighbour address on the abuser's replica")


async def flood(deployment, site: str, source: str, messages: int, per_connection: int) -> List[str]:
    """``messages`` over websockets from one address, ``per_connection`` per conversation; the answer ids of what
    came back, one reply per message. The messages are too long to read: the channel counts them against the
    limits, then refuses them before the language model, so the flood costs the replica little. What this
    measures is the count per address, not the replica's capacity (a burst of hundreds of real turns at once
    is a load test: docs/benchmarks.md)."""
    widgets = [
        Widget(deployment.url, deployment.certificate, source, site) for _ in range(-(-messages // per_connection))
    ]
    for widget in widgets:
        await widget.open()
    replies: List[Dict[str, Any]] = []
    try:
        for number in range(messages):
            await widgets[number // per_connection].send(TOO_LONG)
        deadline = time.monotonic() + 300
        while len(replies) < messages:
            assert time.monotonic() < deadline, f"{len(replies)} replies to {messages} messages"
            for widget in widgets:
                while not widget.replies.empty():
                    replies.append(widget.replies.get_nowait())
            await asyncio.sleep(0.2)
    finally:
        for widget in widgets:
            await widget.close()
    return answer_ids(replies)


async def test_a_websocket_flood_from_one_address_does_not_slow_down_the_patient_next_to_it(deployment, site):
    """A websocket is one request to nginx however many messages it carries: the replica's per-address limit
    is what stops it, and it must see each client's own address (PROXIES_COUNT), not nginx's."""
    neighbour = a_neighbour_on_the_same_replica(deployment, ABUSER)
    env = deployment.environment["rasa-1"]
    per_ip, _ = parse_limit(env.get("RATE_LIMIT_PER_IP", Settings.rate_limit_per_ip))
    per_session, _ = parse_limit(env.get("RATE_LIMIT_PER_SESSION", Settings.rate_limit_per_session))
    answers = await flood(deployment, site, ABUSER, per_ip + 10, per_connection=per_session - 2)
    assert answers.count("rate_limited") >= 10, answers

    abuser = await Widget(deployment.url, deployment.certificate, ABUSER, site).open()
    patient = await Widget(deployment.url, deployment.certificate, neighbour, site).open()
    try:
        assert answer_ids(await abuser.say("hello")) == ["rate_limited"]
        greeting = await patient.say("hello")
    finally:
        await abuser.close()
        await patient.close()
    assert GREETING in greeting[0]["text"], greeting


def test_a_burst_of_requests_from_one_address_is_limited_by_nginx_without_affecting_another(deployment):
    def one(source: str) -> requests.Response:
        return rest_turn(deployment, source, "hello")

    with ThreadPoolExecutor(max_workers=40) as pool:
        burst = list(pool.map(one, [ABUSER] * 40))
    limited = [reply for reply in burst if reply.status_code == 429 and "nginx" in reply.text]
    assert len(limited) >= 10, [reply.status_code for reply in burst]
    other = one(NEIGHBOUR)
    assert other.status_code == 200 and GREETING in other.json()[0]["text"]
