"""Given the conversation database locked by another process, the patient is still helped, and once it is
free again the conversation carries on where it was (no silent fresh start, no turn stored twice)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import contextmanager
from typing import Iterator, List

import pytest

pytestmark = pytest.mark.integration


@contextmanager
def database_locked(path) -> Iterator[None]:
    """Another process holds an exclusive lock: the assistant can neither read nor write the conversations."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def stored_events(path, sender: str) -> List[dict]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()
    return [json.loads(row[0]) for row in rows]


def test_with_the_database_locked_urgent_help_still_comes_first_and_other_questions_get_the_routes(assistant, hotline):
    sender = f"test-{uuid.uuid4().hex[:12]}"
    stored = assistant.stored_id(sender)
    assert assistant.say(sender, "what is car-t")[0]["metadata"]["answer_id"] == "cart/what_is"
    before = stored_events(assistant.db, stored)

    with database_locked(assistant.db):
        urgent = assistant.say(sender, "my husband has a temperature of 38.6 and is shivering")
        other = assistant.say(sender, "how does referral work")

    assert urgent[0]["metadata"]["answer_id"] == "urgent_help"
    assert hotline.phone in urgent[0]["text"] and "NHS 111" in urgent[0]["text"] and "999" in urgent[0]["text"]
    assert [m["metadata"]["answer_id"] for m in other] == ["service_degraded"]
    assert hotline.phone in other[0]["text"] and "NHS 111" in other[0]["text"]

    after_outage = stored_events(assistant.db, stored)
    assert after_outage == before  # nothing written for the turns that could not be stored

    reply = assistant.say(sender, "how does referral work")
    assert reply[0]["metadata"]["answer_id"] == "referral/how_it_works"
    events = stored_events(assistant.db, stored)
    assert events[: len(before)] == before  # the same conversation, carried on
    assert sum(e["event"] == "session_started" for e in events) == 1  # not started afresh
    assert [e["text"] for e in events if e["event"] == "user"] == ["what is car-t", "how does referral work"]
