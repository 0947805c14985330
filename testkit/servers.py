"""The real assistant for tests and tools: started on free loopback ports in a folder of its own, and talked to.

Why here and not in the product: the integration, end-to-end, scale and browser tests, the held-out trial
and the benchmarks need throw-away instances (their own ports, conversation store, token and key) that are
always stopped on the way out; ``make run`` needs none of that (:mod:`assistant.server.launcher`). Both start
the servers with :mod:`assistant.server.processes`.
"""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import requests

from assistant.privacy.conversation_ids import conversation_id
from assistant.server.processes import RunningAssistant, Wrapper, free_port, owner_only
from assistant.settings import settings


class AssistantUnderTest(RunningAssistant):
    """A running instance with a REST client, for tests."""

    def say(self, sender: str, text: str) -> List[Dict[str, Any]]:
        return say_to(self.webhook, sender, text)

    def stored_id(self, client_value: str) -> str:
        """The id the conversation named by ``client_value`` is stored under (this instance's keyed hash)."""
        return conversation_id(client_value, self.env["CONVERSATION_KEY"].encode())


def say_to(webhook: str, sender: str, text: str) -> List[Dict[str, Any]]:
    """One patient message to Rasa's REST webhook; the assistant's messages back."""
    reply = requests.post(webhook, json={"sender": sender, "message": text}, timeout=60)
    reply.raise_for_status()
    return list(reply.json())


def answering(webhook: str) -> bool:
    """Does the REST channel at ``webhook`` answer its health check (``GET /webhooks/rest/``)?"""
    try:
        return requests.get(webhook.rsplit("/", 1)[0] + "/", timeout=5).ok
    except requests.RequestException:
        return False


def instance_environment(
    var_dir: Path, action_port: int, web_port: int, extra: Optional[Dict[str, str]] = None
) -> Dict[str, str]:
    """The servers' environment for one throw-away instance: its own state folder, token and conversation key."""
    return settings().server_environment(
        {
            "ACTION_PORT": str(action_port),
            "ACTION_SERVER_TOKEN": secrets.token_hex(24),
            "CONVERSATION_KEY": secrets.token_hex(32),
            "VAR_DIR": str(owner_only(var_dir)),
            # the widget tests' demo page, and the default demo origins the surface tests expect
            "CORS_ORIGINS": f"http://127.0.0.1:{web_port} http://127.0.0.1:8080 http://localhost:8080",
            # every test talks from 127.0.0.1: the per-address limit is raised,
            # the per-conversation one is as in production
            "RATE_LIMIT_PER_IP": "100000/60",
            **(extra or {}),
        }
    )


@contextlib.contextmanager
def running_assistant(
    workdir: Path,
    test_clock: bool = False,
    model: Optional[Path] = None,
    debug: bool = True,
    extra_env: Optional[Dict[str, str]] = None,
    wrapper: Optional[Wrapper] = None,
    action_server: bool = True,
    endpoints: Optional[Path] = None,
) -> Iterator[AssistantUnderTest]:
    """The servers on free loopback ports with a working folder of their own, stopped on the way out whatever
    happens. ``extra_env``: settings for this instance (e.g. ``CONTENT_RESPONSES_DIR`` to serve answers from a
    copy); ``action_server=False``: the Rasa server alone; ``endpoints``: another endpoints file."""
    model = model or settings().model_path
    if not model.exists():
        raise FileNotFoundError(f"no trained model at {model}: run `make train` first")
    workdir.mkdir(parents=True, exist_ok=True)
    action_port, rasa_port, web_port = free_port(), free_port(), free_port()
    running = AssistantUnderTest(
        workdir,
        rasa_port,
        action_port,
        instance_environment(workdir / "var", action_port, web_port, extra_env),
        endpoints or settings().endpoints,
        model,
        test_clock=test_clock,
        web_port=web_port,
        debug=debug,
        wrapper=wrapper,
    )
    try:
        if action_server:
            running.start_actions()
        running.start_rasa()
        yield running
    finally:
        running.stop_all()
