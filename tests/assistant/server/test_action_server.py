"""The action server answers only the Rasa server (shared token) and never echoes a request back."""

from __future__ import annotations

import asyncio
import json

import pytest

from assistant.server.action_server import create_action_app, main
from tests.conftest import PROJECT_ROOT

TOKEN = "s3cret-token-for-tests"
PATIENT_TEXT = "my name is Eleanora Quigley, NHS 943 476 5919"


def action_call(name: str = "action_handoff", text: str = PATIENT_TEXT) -> dict:
    return {
        "next_action": name,
        "sender_id": "p1",
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": "p1",
            "slots": {},
            "latest_message": {"text": text},
            "paused": False,
            "events": [{"event": "user", "text": text, "parse_data": {"intent": {"name": "cart"}}}],
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


@pytest.fixture(scope="module")
def app():
    return create_action_app("actions", TOKEN)


def call(app, method, path, **kwargs):
    _, reply = asyncio.run(getattr(app.asgi_client, method)(path, **kwargs))
    return reply


def bearer(token=TOKEN):
    return {"Authorization": f"Bearer {token}"}


def test_the_rasa_servers_call_with_the_token_runs_the_action(app):
    reply = call(app, "post", "/webhook", json=action_call(), headers=bearer())
    assert reply.status == 200
    assert reply.json["events"][0]["name"] == "handoff_reason"


@pytest.mark.parametrize("headers", [{}, bearer("wrong"), {"Authorization": TOKEN}, bearer("")])
def test_calls_without_the_token_are_refused(app, headers):
    reply = call(app, "post", "/webhook", json=action_call(), headers=headers)
    assert reply.status == 401 and PATIENT_TEXT not in reply.text
    assert call(app, "get", "/actions", headers=headers).status == 401


def test_health_stays_open_for_probes(app):
    assert call(app, "get", "/health").json == {"status": "ok"}


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({**action_call(), "tracker": "not a tracker"}),  # rasa-sdk fails inside: a 500
        json.dumps({**action_call("no_such_action")}),  # 404 from rasa-sdk
        json.dumps({**action_call(), "version": ["3.6"]}),  # wrong type: a 500 inside rasa-sdk
        "{" + PATIENT_TEXT,  # not JSON
    ],
)
def test_errors_never_echo_the_request(app, body):
    reply = call(app, "post", "/webhook", data=body, headers={**bearer(), "Content-Type": "application/json"})
    assert reply.status >= 400
    assert "Eleanora" not in reply.text and "5919" not in reply.text and "request_body" not in reply.text


def test_the_server_refuses_to_start_without_a_token(configure):
    configure(action_server_token="")
    with pytest.raises(SystemExit) as refused:
        main(["--port", "0"])
    assert "ACTION_SERVER_TOKEN" in str(refused.value)
    with pytest.raises(ValueError):
        create_action_app("actions", "")


def test_the_rasa_server_calls_the_port_the_action_server_listens_on(monkeypatch):
    """`ACTION_PORT=6123 make run` moves both ends: endpoints.yml reads the same variable."""

    from rasa.utils.endpoints import read_endpoint_config

    monkeypatch.setenv("ACTION_PORT", "6123")
    monkeypatch.setenv("ACTION_SERVER_TOKEN", TOKEN)
    endpoints = PROJECT_ROOT / "endpoints.yml"
    config = read_endpoint_config(str(endpoints), "action_endpoint")
    assert config.url == "http://127.0.0.1:6123/webhook"
    assert config.headers["Authorization"] == f"Bearer {TOKEN}"
