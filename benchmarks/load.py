"""Simulated patients talking to a running bot through the REST webhook, timed per turn.

Why threads and ``requests``: installed already, and a Rasa server answers tens of turns per second,
far below what a thread pool of 32 can send; the client is never the bottleneck here.
"""

from __future__ import annotations

import itertools
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Sequence

import requests


def timed_turn(session: requests.Session, webhook: str, sender: str, text: str) -> float:
    """One message and its full reply; milliseconds."""
    started = time.perf_counter()
    reply = session.post(webhook, json={"sender": sender, "message": text}, timeout=120)
    reply.raise_for_status()
    return (time.perf_counter() - started) * 1000


def conversation(webhook: str, messages: Sequence[str], turns: int, sender: str = "") -> List[float]:
    """One patient sending ``turns`` messages (cycling through ``messages``); per-turn milliseconds."""
    sender = sender or f"bench-{uuid.uuid4().hex}"
    with requests.Session() as session:
        return [
            timed_turn(session, webhook, sender, text) for text in itertools.islice(itertools.cycle(messages), turns)
        ]


def fresh_conversations(webhook: str, messages: Sequence[str], turns: int, per_conversation: int = 5) -> List[float]:
    """Sequential turns spread over short conversations (history stays short); milliseconds."""
    latencies: List[float] = []
    while len(latencies) < turns:
        latencies += conversation(webhook, messages, min(per_conversation, turns - len(latencies)))
    return latencies


def concurrent(webhook: str, messages: Sequence[str], patients: int, turns_each: int) -> Dict[str, Any]:
    """``patients`` conversations at once; their latencies and the turns per second achieved."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=patients) as pool:
        runs = list(pool.map(lambda _: conversation(webhook, messages, turns_each), range(patients)))
    elapsed = time.perf_counter() - started
    latencies = [ms for run in runs for ms in run]
    return {"latencies": latencies, "throughput": len(latencies) / elapsed}
