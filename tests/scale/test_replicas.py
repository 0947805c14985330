"""Two Rasa replicas on PostgreSQL and Redis lose no patient's turn, even when one is restarted mid-run.

Given 200 patients talking at once, each turn of a conversation sent to the other replica than the
turn before, and one replica restarted (taken out of rotation, stopped, started again) part-way
through, PostgreSQL holds every patient message exactly once, in the order it was sent.

Started by ``make test-scale`` (scripts/test_scale.sh, which installs PostgreSQL and Redis from apt
when missing); skipped unless ``SCALE_TEST=1``. Uses the tested production configuration
``endpoints.scale.yml`` as it is, filled from the environment.
"""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List

import pytest
import requests
import sqlalchemy as sa

from assistant.privacy.conversation_ids import conversation_id
from assistant.server.processes import free_port
from assistant.settings import ROOT, settings
from benchmarks.bots import UNLIMITED
from testkit.local_services import postgres_server, redis_server
from testkit.runner import answer_ids
from testkit.servers import AssistantUnderTest, instance_environment

pytestmark = pytest.mark.scale

CONVERSATIONS = int(settings().get("SCALE_CONVERSATIONS", "200"))
TURNS = int(settings().get("SCALE_TURNS", "8"))
# Every replica of a deployment shares one conversation key: the test computes the stored ids with it.
KEY = "scale-test-shared-conversation-key"
# What each patient asks in turn, and the answer each must get (the thanks has no answer id: its reply is checked
# by its words).
QUESTIONS = ["what is car t", "how does CAR-T work?", "What are the side effects of CAR-T?", "thank you"]
ANSWERS = ["cart/what_is", "cart/how_it_works", "cart/risks_overview", None]
# Which patient and turn a stored message was: "P12T3", never a number like "38.6" that the urgent net rightly
# reads as a temperature (a fever gets urgent help, not the answer the question asks for).
MARK = re.compile(r"\(ref P(\d+)T(\d+)\)")


class Replicas:
    """Round-robin over the replicas in rotation; one can be drained (no new turns) and restarted."""

    def __init__(self, replicas: List[AssistantUnderTest]) -> None:
        self.replicas = replicas
        self.out_of_rotation: set = set()
        self.in_flight = [0] * len(replicas)
        self.lock = threading.Condition()

    def say(self, preferred: int, sender: str, text: str) -> List[Dict[str, Any]]:
        with self.lock:
            index = preferred % len(self.replicas)
            if index in self.out_of_rotation:
                index = next(i for i in range(len(self.replicas)) if i not in self.out_of_rotation)
            self.in_flight[index] += 1
        try:
            reply = requests.post(self.replicas[index].webhook, json={"sender": sender, "message": text}, timeout=300)
            reply.raise_for_status()
            return list(reply.json())
        finally:
            with self.lock:
                self.in_flight[index] -= 1
                self.lock.notify_all()

    def restart(self, index: int) -> None:
        """A rolling restart: out of rotation, wait for its turns in flight, stop, start, back in rotation."""
        with self.lock:
            self.out_of_rotation.add(index)
            self.lock.wait_for(lambda: self.in_flight[index] == 0)
        self.replicas[index].stop_all()
        self.replicas[index].start_rasa()
        with self.lock:
            self.out_of_rotation.discard(index)


def scale_env(workdir: Path, pg_port: int, redis_port: int, action_port: int) -> Dict[str, str]:
    return instance_environment(
        workdir / "var",
        action_port,
        free_port(),
        {
            "CORS_ORIGINS": "http://127.0.0.1:8080",
            "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
            "DB_HOST": "127.0.0.1",
            "DB_PORT": str(pg_port),
            "DB_DATABASE": "postgres",
            "DB_USER": "postgres",
            "DB_PASSWORD": "",
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(redis_port),
            "REDIS_PASSWORD": "",
            "CONVERSATION_KEY": KEY,
            **UNLIMITED,
        },
    )


def right_answer(turn: int, reply: List[Dict[str, Any]]) -> bool:
    """Did the patient's ``turn`` get the answer its question asks for (exactly that one)?"""
    expected = ANSWERS[turn % len(ANSWERS)]
    if expected is None:
        return answer_ids(reply) == [] and "welcome" in " ".join(str(m.get("text")) for m in reply).lower()
    return answer_ids(reply)[:1] == [expected]


def patient_id(number: int) -> str:
    return f"scale-patient-{number:06d}"


def stored_id(sender: str) -> str:
    return conversation_id(sender, KEY.encode())


def stored_user_turns(pg_port: int) -> Dict[str, List[str]]:
    """Every stored patient message, per conversation, in the order PostgreSQL holds them."""
    engine = sa.create_engine(f"postgresql://postgres@127.0.0.1:{pg_port}/postgres")
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id")
        ).fetchall()
    engine.dispose()
    turns: Dict[str, List[str]] = defaultdict(list)
    for sender, data in rows:
        found = MARK.search(data)
        turns[sender].append(f"{found.group(1)}.{found.group(2)}" if found else "?")
    return turns


@pytest.mark.skipif(
    settings().get("SCALE_TEST") != "1", reason="make test-scale (SCALE_TEST=1) starts PostgreSQL, Redis and 2 replicas"
)
def test_two_replicas_lose_no_turn_when_one_restarts(tmp_path: Path):
    started = time.monotonic()
    with postgres_server("-c max_connections=400") as postgres, redis_server() as redis:
        pg_port, redis_port = postgres.port, redis.port
        action_port = free_port()
        env = scale_env(tmp_path, pg_port, redis_port, action_port)
        replicas = []
        for number in range(2):
            workdir = tmp_path / f"replica-{number}"
            workdir.mkdir()
            replicas.append(
                AssistantUnderTest(
                    workdir, free_port(), action_port, env, ROOT / "endpoints.scale.yml", settings().model_path
                )
            )
        router = Replicas(replicas)
        done, wrong = [0], [0]
        try:
            replicas[0].start_actions()
            for replica in replicas:
                replica.start_rasa()

            def patient(number: int) -> None:
                for turn in range(TURNS):
                    reply = router.say(
                        number + turn, patient_id(number), f"{QUESTIONS[turn % len(QUESTIONS)]} (ref P{number}T{turn})"
                    )
                    with router.lock:
                        done[0] += 1
                        wrong[0] += not right_answer(turn, reply)

            restarts = 0
            with ThreadPoolExecutor(max_workers=CONVERSATIONS) as pool:
                futures = [pool.submit(patient, number) for number in range(CONVERSATIONS)]
                while done[0] < CONVERSATIONS * TURNS // 3:
                    time.sleep(0.2)
                router.restart(1)
                restarts += 1
                for future in futures:
                    future.result()
        finally:
            for replica in replicas:
                replica.stop_all()
        stored = stored_user_turns(pg_port)
    expected = {stored_id(patient_id(n)): [f"{n}.{t}" for t in range(TURNS)] for n in range(CONVERSATIONS)}
    lost = sum(len(set(expected[s]) - set(stored.get(s, []))) for s in expected)
    duplicated = sum(len(stored.get(s, [])) - len(set(stored.get(s, []))) for s in expected)
    reordered = sum(1 for s in expected if stored.get(s) != expected[s] and not lost and not duplicated)
    print(
        f"\nscale: conversations={CONVERSATIONS} turns={CONVERSATIONS * TURNS} replicas=2 restarts={restarts} "
        f"lost={lost} duplicated={duplicated} reordered={reordered} wrong answers={wrong[0]} "
        f"in {time.monotonic() - started:.0f} s"
    )
    assert (lost, duplicated, reordered) == (0, 0, 0)
    assert wrong[0] == 0  # every turn got its own answer, none the "can't fetch that" message
    assert stored == expected
