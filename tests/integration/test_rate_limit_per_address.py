"""Given the real assistant behind one proxy (``PROXIES_COUNT=1``, as nginx in ``deploy/``), a burst from one client
address is refused with 429 and the ``rate_limited`` answer, on REST and socket.io alike, while a patient at
another address is still answered; an address the abuser writes into ``X-Forwarded-For`` itself changes nothing.

The other integration tests raise the per-address limit (every test talks from 127.0.0.1); this one starts its
own instance with a small limit. Each message of the burst is a new conversation, so only the per-address limit
can refuse it (the per-conversation one is the production default, 30 a minute).
"""

from __future__ import annotations

import queue
import uuid
from typing import Iterator, List

import pytest
import requests
import socketio

from assistant.settings import settings
from testkit.servers import AssistantUnderTest, running_assistant

pytestmark = pytest.mark.integration

PER_ADDRESS = 4
ABUSER, PATIENT = "203.0.113.7", "198.51.100.9"  # documentation addresses (RFC 5737)


@pytest.fixture(scope="module")
def limited(tmp_path_factory) -> Iterator[AssistantUnderTest]:
    if not settings().model_path.exists():
        pytest.fail(f"no trained model at {settings().model_path}: run `make train` first")
    extra = {"PROXIES_COUNT": "1", "RATE_LIMIT_PER_IP": f"{PER_ADDRESS}/60"}
    with running_assistant(tmp_path_factory.mktemp("per-address"), extra_env=extra) as running:
        yield running


def new_conversation() -> str:
    return f"address-{uuid.uuid4().hex}"


def through_the_proxy(assistant: AssistantUnderTest, forwarded_for: str, text: str) -> requests.Response:
    """A REST turn as nginx passes it on: ``X-Forwarded-For`` ends with the address nginx saw."""
    return requests.post(
        assistant.webhook,
        json={"sender": new_conversation(), "message": text},
        headers={"X-Forwarded-For": forwarded_for},
        timeout=60,
    )


def answer_ids(reply: requests.Response) -> List[str]:
    return [str((m.get("metadata") or {}).get("answer_id")) for m in reply.json()]


def socket_turn(assistant: AssistantUnderTest, forwarded_for: str, text: str) -> List[str]:
    """One message over the widget's socket.io channel from ``forwarded_for``: the answer ids that came back."""
    replies: "queue.Queue[dict]" = queue.Queue()
    confirmed: "queue.Queue[str]" = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("bot_uttered", replies.put)
    client.on("session_confirm", confirmed.put)
    client.connect(
        f"http://127.0.0.1:{assistant.rasa_port}", transports=["polling"], headers={"X-Forwarded-For": forwarded_for}
    )
    try:
        session = uuid.uuid4().hex
        client.emit("session_request", {"session_id": session})
        confirmed.get(timeout=10)
        client.emit("user_uttered", {"message": text, "session_id": session})
        first = replies.get(timeout=60)
        return [str((first.get("metadata") or {}).get("answer_id"))]
    finally:
        client.disconnect()


def test_a_burst_from_one_address_is_limited_while_another_address_is_answered(limited):
    burst = [through_the_proxy(limited, ABUSER, "what is car t cell therapy") for _ in range(PER_ADDRESS + 3)]
    statuses = [reply.status_code for reply in burst]
    assert statuses == [200] * PER_ADDRESS + [429] * 3
    assert all(answer_ids(reply)[:1] == ["cart/what_is"] for reply in burst[:PER_ADDRESS])
    refused = burst[-1].json()
    assert answer_ids(burst[-1]) == ["rate_limited"]
    assert refused[0]["text"].startswith("You are sending messages faster than I can answer.")
    assert "999" in refused[0]["text"] and "NHS 111" in refused[0]["text"]  # still told where urgent help is

    other = through_the_proxy(limited, PATIENT, "what is car t cell therapy")
    assert other.status_code == 200 and answer_ids(other)[:1] == ["cart/what_is"]

    # an address the abuser writes itself sits left of the one the proxy appends: it is not believed
    spoofed = through_the_proxy(limited, f"{PATIENT}, {ABUSER}", "what is jacie")
    assert spoofed.status_code == 429 and answer_ids(spoofed) == ["rate_limited"]

    # the limit is per address across channels: the abuser's socket.io turn is refused too, the patient's is not
    assert socket_turn(limited, ABUSER, "what is jacie") == ["rate_limited"]
    assert socket_turn(limited, PATIENT, "what is jacie") == ["jacie/what_is"]
