"""The widget's socket.io channel, as the widget uses it (session persistence on).

Guards RasaHQ/rasa#13027 (no replies with session persistence on python-socketio >= 5.10) and checks
that answers arrive whole with their provenance metadata.
"""

from __future__ import annotations

import queue
import time
import uuid

import pytest
import socketio

pytestmark = pytest.mark.integration


class WidgetClient:
    """A minimal stand-in for the widget: one socket, one persistent session."""

    def __init__(self, url: str, session_id: str = "") -> None:
        self.replies: "queue.Queue[dict]" = queue.Queue()
        self.confirmed: "queue.Queue[str]" = queue.Queue()
        self.session_id = session_id or uuid.uuid4().hex
        self.sio = socketio.Client()
        self.sio.on("bot_uttered", self.replies.put)
        self.sio.on("session_confirm", self.confirmed.put)
        self.sio.connect(url, transports=["polling"], socketio_path="socket.io")
        self.sio.emit("session_request", {"session_id": self.session_id})
        assert self.confirmed.get(timeout=10) == self.session_id

    def say(self, text: str, wait: float = 30) -> list:
        self.sio.emit("user_uttered", {"message": text, "session_id": self.session_id})
        replies = [self.replies.get(timeout=wait)]
        while True:
            try:
                replies.append(self.replies.get(timeout=1.5))
            except queue.Empty:
                return replies

    def close(self) -> None:
        self.sio.disconnect()


@pytest.fixture
def widget(assistant):
    client = WidgetClient(f"http://127.0.0.1:{assistant.rasa_port}")
    yield client
    client.close()


def test_replies_arrive_with_session_persistence(widget):
    replies = widget.say("hello")
    assert "automated assistant" in replies[0]["text"]
    assert any(r["title"] == "Talk to a person" for r in replies[0]["quick_replies"])


def test_answers_arrive_whole_with_provenance(widget):
    replies = widget.say("what is car t cell therapy")
    assert replies[0]["metadata"]["answer_id"] == "cart/what_is"
    assert replies[0]["metadata"]["source"]


def test_urgent_help_comes_first(widget, hotline):
    replies = widget.say("my husband is shivering and his temp is 38.6")
    assert replies[0]["metadata"]["answer_id"] == "urgent_help"
    assert hotline.phone in replies[0]["text"]


def test_a_very_long_message_is_refused_politely(widget):
    replies = widget.say("x" * 5000)
    assert "too long" in replies[0]["text"]


# --- no client can reach another's conversation -----------------------------------------------------------------


class RawClient:
    """A plain python-socketio client: what an attacker would use."""

    def __init__(self, url: str) -> None:
        self.replies: "queue.Queue[dict]" = queue.Queue()
        self.confirmed: "queue.Queue[str]" = queue.Queue()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("bot_uttered", self.replies.put)
        self.sio.on("session_confirm", self.confirmed.put)
        self.sio.connect(url, transports=["polling"])

    def heard(self, wait: float = 4) -> list:
        got = []
        try:
            while True:
                got.append(self.replies.get(timeout=wait))
                wait = 1.5
        except queue.Empty:
            return got


@pytest.fixture
def patient_and_attacker(assistant):
    url = f"http://127.0.0.1:{assistant.rasa_port}"
    patient, attacker = WidgetClient(url), RawClient(url)
    yield assistant, patient, attacker
    patient.close()
    attacker.sio.disconnect()


def stored_id(assistant, secret: str) -> str:
    from assistant.privacy.conversation_ids import conversation_id

    return conversation_id(secret, assistant.env["CONVERSATION_KEY"].encode())


def test_asking_for_a_conversation_by_its_stored_id_gives_another_conversation(patient_and_attacker):
    assistant, patient, attacker = patient_and_attacker
    patient.say("what is car t cell therapy")
    attacker.sio.emit("session_request", {"session_id": stored_id(assistant, patient.session_id)})
    attacker.confirmed.get(timeout=10)
    attacker.sio.emit(
        "user_uttered", {"message": "what is jacie", "session_id": stored_id(assistant, patient.session_id)}
    )
    answered = attacker.heard()
    assert [r["metadata"]["answer_id"] for r in answered] == ["jacie/what_is"]  # its own, new conversation
    assert patient.replies.empty()  # the patient heard nothing of it
    again = patient.say("how does referral work")  # and the patient's own conversation goes on, unmixed
    assert again[0]["metadata"]["answer_id"] == "referral/how_it_works"
    assert attacker.heard(wait=2) == []


def test_a_connection_cannot_write_into_a_conversation_it_did_not_ask_for(patient_and_attacker):
    assistant, patient, attacker = patient_and_attacker
    attacker.sio.emit("session_request", {"session_id": uuid.uuid4().hex})
    attacker.confirmed.get(timeout=10)
    for claimed in (stored_id(assistant, patient.session_id), uuid.uuid4().hex):
        attacker.sio.emit("user_uttered", {"message": "what is car t", "session_id": claimed})
        (refusal,) = attacker.heard()
        assert refusal["text"] == "Sorry, I couldn't read that message. Please try typing it again."
    assert patient.replies.empty()


def test_rest_senders_and_erasure_by_a_stored_id_reach_another_conversation(patient_and_attacker):
    import requests

    assistant, patient, _ = patient_and_attacker
    patient.say("what is car t cell therapy")
    known = stored_id(assistant, patient.session_id)
    reply = requests.post(assistant.webhook, json={"sender": known, "message": "what is jacie"}, timeout=30)
    assert reply.json()[0]["recipient_id"] == known and reply.json()[0]["metadata"]["answer_id"] == "jacie/what_is"
    assert patient.replies.empty()
    erase = requests.post(
        assistant.webhook.replace("/rest/webhook", "/rest/erase"), json={"session_secret": known}, timeout=10
    )
    assert erase.json() == {"erased": True}
    assert patient.say("how does referral work")[0]["metadata"]["answer_id"] == "referral/how_it_works"


def test_a_connection_that_keeps_asking_for_new_conversations_is_still_rate_limited(assistant):
    client = RawClient(f"http://127.0.0.1:{assistant.rasa_port}")
    try:
        for _ in range(31):
            client.sio.emit("session_request", {"session_id": uuid.uuid4().hex})
            client.confirmed.get(timeout=10)
            client.sio.emit("user_uttered", {"message": "hello"})
            time.sleep(0.05)  # one event per polling request: engine.io drops a batch of more than 16
        answers = client.heard(wait=15)
    finally:
        client.sio.disconnect()
    limited = [a for a in answers if (a.get("metadata") or {}).get("answer_id") == "rate_limited"]
    assert len(limited) == 1
