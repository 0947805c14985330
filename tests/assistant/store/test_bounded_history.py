"""A long conversation is predicted from its last turns only, with its slots, form and session intact,
and every event still reaches the database in order."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Dict

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

from assistant.store.bounded_history import _decoded, bounded_events
from assistant.store.tracker_store import BoundedRedactingSQLTrackerStore
from tests.conftest import PROJECT_ROOT, project_config

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, ask]
slots:
  handoff_reason:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
""")


def session_start(at: float = 1.0) -> list:
    return [
        {"event": "action", "name": "action_session_start", "timestamp": at},
        {"event": "session_started", "timestamp": at},
        {"event": "slot", "name": "session_started_metadata", "value": {"a": 1}, "timestamp": at},
    ]


def turn(number: int) -> list:
    return [
        {"event": "action", "name": "action_listen", "timestamp": number},
        {"event": "user", "text": f"question {number}", "timestamp": number},
        {"event": "bot", "text": f"answer {number}", "timestamp": number},
    ]


def user_texts(events: list) -> list:
    return [event["text"] for event in events if event["event"] == "user"]


def test_a_short_session_is_loaded_whole():
    events = session_start() + turn(1) + turn(2)
    assert bounded_events(events, 2) == events


def test_a_long_session_keeps_its_last_turns_and_its_start():
    events = session_start() + [event for number in range(1, 8) for event in turn(number)]
    bounded = bounded_events(events, 3)
    assert user_texts(bounded) == ["question 5", "question 6", "question 7"]
    assert bounded[:3] == session_start()
    assert bounded[-9:] == events[-9:]


def test_slots_set_before_the_window_keep_their_value_and_a_reset_still_clears():
    events = (
        session_start()
        + turn(1)
        + [{"event": "slot", "name": "handoff_reason", "value": "pain"}]
        + [
            {"event": "slot", "name": "other", "value": "x"},
            {"event": "reset_slots"},
            {"event": "slot", "name": "handoff_reason", "value": "fever"},
        ]
        + turn(2)
        + turn(3)
        + turn(4)
    )
    carried = [event for event in bounded_events(events, 2) if event["event"] == "slot"][1:]
    assert [(event["name"], event["value"]) for event in carried] == [("handoff_reason", "fever")]


def test_an_active_form_and_a_paused_conversation_are_carried_over():
    events = (
        session_start()
        + turn(1)
        + [{"event": "active_loop", "name": "contact_form"}, {"event": "pause"}]
        + turn(2)
        + turn(3)
    )
    kinds = [(event["event"], event.get("name")) for event in bounded_events(events, 1)]
    assert ("active_loop", "contact_form") in kinds and ("pause", None) in kinds


@pytest.fixture
def store(tmp_path: Path) -> BoundedRedactingSQLTrackerStore:
    return BoundedRedactingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"), history_turns=3)


async def one_turn(store, number: int) -> None:
    """What Rasa's processor does per message: retrieve, append this turn's events, save."""
    tracker = await store.get_or_create_tracker("patient", append_action_listen=False)
    if not tracker.events:
        tracker.update_with_events([ActionExecuted("action_session_start"), SessionStarted()], None)
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(f"question {number}, call 07700 900123", {"name": "ask", "confidence": 1.0}))
    if number == 2:
        tracker.update(SlotSet("handoff_reason", "fever"))
    tracker.update(BotUttered(f"answer {number}"))
    await store.save(tracker)


async def test_every_event_is_stored_in_order_while_prediction_sees_the_last_turns(store, tmp_path):
    for number in range(1, 11):
        await one_turn(store, number)
    recent = await store.retrieve("patient")
    assert [event.text for event in recent.events if isinstance(event, UserUttered)] == [
        "question 8, call [PHONE]",
        "question 9, call [PHONE]",
        "question 10, call [PHONE]",
    ]
    assert recent.get_slot("handoff_reason") == "fever"
    full = await store.retrieve_full_tracker("patient")
    assert [e.text for e in full.events if isinstance(e, UserUttered)] == [
        f"question {number}, call [PHONE]" for number in range(1, 11)
    ]
    rows = sqlite3.connect(tmp_path / "t.db").execute("SELECT data FROM events ORDER BY id").fetchall()
    assert sum('"event": "reset_slots"' in data for (data,) in rows) == 0  # carried events are never stored
    assert all("07700" not in data for (data,) in rows)


async def test_saving_the_same_tracker_twice_stores_its_events_once(store, tmp_path):
    await one_turn(store, 1)
    await one_turn(store, 2)
    tracker = await store.retrieve("patient")
    tracker.update(BotUttered("again"))
    await store.save(tracker)
    await store.save(tracker)
    rows = sqlite3.connect(tmp_path / "t.db").execute("SELECT COUNT(*) FROM events WHERE type_name='bot'").fetchone()
    assert rows[0] == 3


async def test_erasing_still_removes_the_whole_conversation(store):
    for number in range(1, 6):
        await one_turn(store, number)
    assert store.erase("patient") > 0
    assert await store.retrieve("patient") is None


def random_session(seed: int) -> list:
    """A session of 1-14 turns with slots, resets, forms, pauses and the odd turn with no action_listen."""
    import random

    rng = random.Random(seed)
    events = session_start()
    for number in range(1, rng.randint(1, 14) + 1):
        turn_events = turn(number)
        turn_events[1]["parse_data"] = {"intent": {"name": "ask", "confidence": 1.0}, "entities": []}
        if rng.random() < 0.2:
            turn_events = turn_events[1:]
        events += turn_events
        extra: Dict[str, Any] = rng.choice(
            [
                {},
                {},
                {"event": "slot", "name": "handoff_reason", "value": f"v{number}"},
                {"event": "reset_slots"},
                {"event": "pause"},
                {"event": "resume"},
                {"event": "active_loop", "name": "contact_form"},
            ]
        )
        events += [{**extra, "timestamp": number}] if extra else []
    return events


@pytest.mark.parametrize("seed", range(12))
async def test_reading_the_window_in_sql_gives_what_cutting_the_whole_session_gives(store, seed):
    from rasa.shared.core.trackers import DialogueStateTracker

    await store.save(DialogueStateTracker.from_dict("patient", random_session(seed), DOMAIN.slots))
    with store.session_scope() as session:
        stored = _decoded(store._event_query(session, "patient", False).all())
        assert store._bounded_rows(session, "patient") == bounded_events(stored, store.history_turns)


def test_the_window_holds_what_the_policies_look_at():
    """The memoization policy's max_history (plus the current turn) and the longest rule fit in the window."""
    import yaml

    from assistant.settings import DEFAULT_HISTORY_TURNS

    root = PROJECT_ROOT
    policies = project_config()["policies"]
    longest_memory = max(policy.get("max_history", 0) or 0 for policy in policies)
    rules = [
        rule
        for path in (root / "data" / "rules").glob("*.yml")
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []
    ]
    longest_rule = max(sum("intent" in step for step in rule["steps"]) for rule in rules)
    configured = [
        yaml.safe_load((root / name).read_text(encoding="utf-8"))["tracker_store"]["history_turns"]
        for name in ("endpoints.yml", "endpoints.scale.yml")
    ]
    for window in [DEFAULT_HISTORY_TURNS, *configured]:
        assert window >= longest_memory + 1 and window >= longest_rule


def test_the_window_queries_use_the_sender_and_type_index(store, tmp_path):
    """Finding the user turns reads the index, not every stored row of the conversation."""
    db = sqlite3.connect(tmp_path / "t.db")
    plan = " ".join(
        str(row)
        for row in db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM events WHERE sender_id = 'p' AND type_name = 'user' ORDER BY id DESC"
        )
    )
    assert "ix_events_sender_id_type_name" in plan
