"""The widget's socket.io channel, as the widget uses it (session persistence on).

Guards RasaHQ/rasa#13027 (no replies with session persistence on python-socketio >= 5.10) and checks
that answers arrive whole with their provenance metadata.
"""
from __future__ import annotations

import queue
import uuid

import pytest
import socketio

pytestmark = pytest.mark.integration


class WidgetClient:
    """A minimal stand-in for the widget: one socket, one persistent session."""

    def __init__(self, url: str) -> None:
        self.replies: "queue.Queue[dict]" = queue.Queue()
        self.confirmed: "queue.Queue[str]" = queue.Queue()
        self.session_id = uuid.uuid4().hex
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
    assert replies[0]["metadata"]["answer_id"].startswith("cart/")
    assert replies[0]["metadata"]["source"]


def test_urgent_help_comes_first(widget, hotline):
    replies = widget.say("my husband is shivering and his temp is 38.6")
    assert replies[0]["metadata"]["answer_id"] == "urgent_help"
    assert hotline.phone in replies[0]["text"]


def test_a_very_long_message_is_refused_politely(widget):
    replies = widget.say("x" * 5000)
    assert "too long" in replies[0]["text"]
