"""The tracker store keeps conversations usable by Rasa but without patients' personal data, erases a
conversation completely, and purges what is older than the retention period."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.store.redacting import RedactingSQLTrackerStore, redact_event, unwrap

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, handoff]
slots:
  contact_note:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
""")
PATIENT_TEXT = "my name is Eleanora Quigley, NHS 943 476 5919, call 07700 900123"


@pytest.fixture
def store(tmp_path: Path) -> RedactingSQLTrackerStore:
    return RedactingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))


def conversation(sender: str, text: str = PATIENT_TEXT, at: float | None = None) -> DialogueStateTracker:
    at = time.time() if at is None else at
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for event in [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
        UserUttered(
            text,
            parse_data={
                "text": text,
                "intent": {"name": "greet", "confidence": 1.0},
                "entities": [{"entity": "person", "value": "Eleanora Quigley"}],
            },
            metadata={"note": "from 07700 900123"},
            timestamp=at,
        ),
        SlotSet("contact_note", "call me on 07700 900123, my name is Eleanora Quigley", timestamp=at),
        BotUttered("Call the Hotline on 0800 000 0001.", timestamp=at),
    ]:
        tracker.update(event)
    return tracker


def database_bytes(path: Path) -> bytes:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(FULL)")
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


async def test_nothing_the_patient_typed_is_written_in_clear(store, tmp_path):
    await store.save(conversation("patient-1"))
    stored = database_bytes(tmp_path / "tracker.db")
    for value in (b"Eleanora", b"Quigley", b"943 476 5919", b"9434765919", b"900123"):
        assert value not in stored
    assert b"[NHS_NUMBER]" in stored and b"[PHONE]" in stored and b"[NAME]" in stored


async def test_the_stored_conversation_is_still_a_usable_rasa_tracker(store):
    await store.save(conversation("patient-1"))
    tracker = await store.retrieve("patient-1")
    assert tracker.latest_message.intent["name"] == "greet"
    assert tracker.latest_message.text == "my name is [NAME], NHS [NHS_NUMBER], call [PHONE]"
    assert tracker.get_slot("contact_note") == "call me on [PHONE], my name is [NAME]"
    assert tracker.latest_message.entities[0]["value"] == "[NAME]"
    assert tracker.latest_bot_utterance.text == "Call the Hotline on 0800 000 0001."  # staff content kept


async def test_saving_again_adds_only_the_new_events(store):
    tracker = conversation("patient-1")
    await store.save(tracker)
    tracker.update(UserUttered("hello again", parse_data={"intent": {"name": "greet"}}))
    await store.save(tracker)
    stored = await store.retrieve("patient-1")
    assert len(stored.events) == len(tracker.events)


def test_model_output_and_bot_messages_are_stored_as_they_are():
    bot = {"event": "bot", "text": "Call 0800 000 0001"}
    assert redact_event(bot) == bot
    user = {
        "event": "user",
        "text": "call me on 07700 900123",
        "parse_data": {"intent": {"name": "handoff"}, "intent_ranking": [{"name": "handoff"}]},
    }
    assert redact_event(user)["parse_data"] == user["parse_data"]
    assert redact_event(user)["text"] == "call me on [PHONE]"


async def test_erasing_a_conversation_leaves_no_trace_in_the_database_file(store, tmp_path):
    await store.save(conversation("patient-1", text="a unique marker zebracorn and my question"))
    await store.save(conversation("patient-2", text="another patient's question"))
    assert store.erase("patient-1") > 0
    assert await store.retrieve("patient-1") is None
    assert (await store.retrieve("patient-2")) is not None
    assert b"zebracorn" not in database_bytes(tmp_path / "tracker.db")


async def test_erasing_an_unknown_conversation_is_harmless(store):
    assert store.erase("nobody") == 0


async def test_purge_deletes_what_is_older_than_the_retention_period(store):
    now = time.time()
    await store.save(conversation("old", at=now - 31 * 86400))
    await store.save(conversation("recent", at=now - 29 * 86400))
    assert store.retention_days == 30
    deleted = store.purge_older_than(now=now)
    assert deleted == len(conversation("old").events)
    assert await store.retrieve("old") is None
    assert await store.retrieve("recent") is not None
    assert store.purge_older_than(days=1, now=now) > 0
    assert await store.retrieve("recent") is None


async def test_purge_deletes_the_answer_ratings_of_the_same_age(store):
    import datetime as dt

    from assistant.store.feedback import Rating, record, summary

    now = time.time()
    version = "sha256:" + "a" * 24
    today = dt.datetime.fromtimestamp(now, dt.timezone.utc).date()
    record(store.engine, Rating("cart/what_is", version, helpful=True), today - dt.timedelta(days=31))
    record(store.engine, Rating("cart/what_is", version, helpful=False), today - dt.timedelta(days=29))
    store.purge_older_than(now=now)
    assert [(row["yes"], row["no"]) for row in summary(store.engine)] == [(0, 1)]


async def test_purge_deletes_in_small_batches_until_nothing_old_is_left(store, tmp_path, monkeypatch):
    import assistant.store.redacting as module

    monkeypatch.setattr(module, "PURGE_BATCH_ROWS", 5)
    monkeypatch.setattr(module, "PURGE_PAUSE_SECONDS", 0)
    now = time.time()
    for n in range(4):
        await store.save(conversation(f"old-{n}", text=f"zebracorn {n}", at=now - 40 * 86400))
    await store.save(conversation("recent", at=now))
    old_events = 4 * len(conversation("old").events)
    assert old_events % 5  # the last batch is a partial one
    assert store.purge_older_than(now=now) == old_events
    assert all([await store.retrieve(f"old-{n}") is None for n in range(4)])
    assert (await store.retrieve("recent")) is not None
    assert b"zebracorn" not in database_bytes(tmp_path / "tracker.db")


def test_the_purge_finds_old_events_through_an_index(store, tmp_path):
    with sqlite3.connect(tmp_path / "tracker.db") as db:
        plan = db.execute("EXPLAIN QUERY PLAN SELECT id FROM events WHERE timestamp < 1 LIMIT 500").fetchall()
    assert "ix_events_timestamp" in str(plan)


def test_unwrap_finds_the_store_inside_rasas_wrappers(store):
    from rasa.core.tracker_store import AwaitableTrackerStore, FailSafeTrackerStore

    assert unwrap(AwaitableTrackerStore(FailSafeTrackerStore(store))) is store
    assert unwrap(object()) is None
