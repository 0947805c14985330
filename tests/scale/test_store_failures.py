"""Given PostgreSQL stopped, or the Redis lock store stopped, under the production configuration, the patient
is still helped (urgent help first for an urgent message, the ways to reach a person otherwise), the server
keeps running, and once the store is back the conversation carries on where it was: no fresh start, no turn
lost from what was stored, none stored twice.

Started by ``make test-scale`` (PostgreSQL and Redis from apt); skipped unless ``SCALE_TEST=1``.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import List

import pytest
import sqlalchemy as sa

from assistant.content.contacts import load_contacts
from assistant.server.processes import free_port
from assistant.settings import ROOT, settings
from testkit.local_services import postgres_server, redis_server
from testkit.servers import AssistantUnderTest, answering
from tests.scale.test_replicas import scale_env, stored_id

pytestmark = [
    pytest.mark.scale,
    pytest.mark.skipif(
        settings().get("SCALE_TEST") != "1", reason="make test-scale (SCALE_TEST=1) starts PostgreSQL and Redis"
    ),
]

URGENT = "my wife has a temperature of 38.7 and is shivering"


def stored_events(pg_port: int, sender: str) -> List[dict]:
    engine = sa.create_engine(f"postgresql://postgres@127.0.0.1:{pg_port}/postgres")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender})
        events = [json.loads(row[0]) for row in rows]
    engine.dispose()
    return events


@pytest.mark.parametrize("failing", ["postgresql", "redis"])
def test_a_stopped_store_still_gives_urgent_help_and_the_conversation_carries_on_after(failing: str, tmp_path: Path):
    hotline = load_contacts().shown("hotline").phone
    with postgres_server() as postgres, redis_server() as redis:
        action_port = free_port()
        assistant = AssistantUnderTest(
            tmp_path,
            free_port(),
            action_port,
            scale_env(tmp_path, postgres.port, redis.port, action_port),
            ROOT / "endpoints.scale.yml",
            settings().model_path,
        )
        store = postgres if failing == "postgresql" else redis
        sender = f"store-{uuid.uuid4().hex}"
        try:
            assistant.start_actions()
            assistant.start_rasa()
            assert assistant.say(sender, "what is car-t")[0]["metadata"]["answer_id"] == "cart/what_is"
            before = stored_events(postgres.port, stored_id(sender))

            store.stop()
            urgent = assistant.say(sender, URGENT)
            other = assistant.say(sender, "how does referral work")
            up_during_outage = answering(assistant.webhook)
            store.start()

            after = assistant.say(sender, "how does referral work")
            store.stop()  # and a restart while nobody is talking: the next turn finds the store at once
            store.start()
            again = assistant.say(sender, "what is car-t")
        finally:
            assistant.stop_all()
        events = stored_events(postgres.port, stored_id(sender))

    assert urgent[0]["metadata"]["answer_id"] == "urgent_help" and hotline in urgent[0]["text"], urgent
    assert [m["metadata"]["answer_id"] for m in other] == ["service_degraded"] and hotline in other[0]["text"], other
    assert up_during_outage
    assert after[0]["metadata"]["answer_id"] == "referral/how_it_works", after
    assert again[0]["metadata"]["answer_id"] == "cart/what_is", again
    assert events[: len(before)] == before
    assert sum(e["event"] == "session_started" for e in events) == 1
    assert [e["text"] for e in events if e["event"] == "user"] == [
        "what is car-t",
        "how does referral work",
        "what is car-t",
    ]
