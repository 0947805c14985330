"""Erasure is authorised by the value only the patient's client holds: the stored id is a keyed hash of it."""

from __future__ import annotations

import base64
import os

import pytest

from assistant.privacy.conversation_ids import conversation_id
from assistant.store.erasure import ErasureUnavailable, erase_conversation

SECRET = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()


class FakeStore:
    """Stands in for the tracker store: records which sender was erased."""

    def __init__(self) -> None:
        self.erased = []

    def erase(self, sender_id: str) -> int:
        self.erased.append(sender_id)
        return 1


async def test_erasure_deletes_both_conversations_the_secret_names_rest_and_widget(monkeypatch, tmp_path):
    """A REST client names its conversation by the secret itself; the widget by SHA-256(secret), its socket.io
    session id (web/widget/cart-chat.js): "Delete my conversation" must reach the widget's."""
    import hashlib

    from rasa.core.lock_store import InMemoryLockStore
    from rasa.shared.core.domain import Domain

    from assistant.store.redacting import RedactingSQLTrackerStore

    store = RedactingSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
    calls = []
    monkeypatch.setattr(store, "erase", lambda sender: calls.append(sender) or 3)
    agent = type("Agent", (), {"tracker_store": store, "lock_store": InMemoryLockStore()})()
    assert await erase_conversation(agent, SECRET) == 6
    assert calls == [conversation_id(SECRET), conversation_id(hashlib.sha256(SECRET.encode()).hexdigest())]


async def test_erasure_refuses_when_the_store_cannot_erase():
    with pytest.raises(ErasureUnavailable):
        await erase_conversation(None, SECRET)
    agent = type("Agent", (), {"tracker_store": FakeStore(), "lock_store": None})()
    with pytest.raises(ErasureUnavailable):  # not our redacting store
        await erase_conversation(agent, SECRET)
