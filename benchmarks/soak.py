"""``make soak``: realistic traffic for a long time at about 80% of what the assistant can take.

Why: the benchmarks and the scale test last minutes; memory that creeps up, latency that drifts as the
database grows, or an error every few thousand turns show only over an hour. The soak first measures
saturation (turns per second with 8 patients typing at once), then sends turns at ``LOAD_SHARE`` of it,
open loop (a turn is sent on time even when earlier ones are slow), in a mix of what patients do: long
conversations, new ones, urgent messages (the reply must start with urgent help), handoffs and erasures
(the widget's "Delete my conversation"). Every window (5 minutes) it reports p50 and p95 latency, errors,
the Rasa and action servers' memory and the database's size. Beside the traffic, the purge runs every
window with a retention of ``SOAK_RETENTION_MINUTES``, so the database stays bounded the way ``make purge``
keeps it in production.

Settings: ``SOAK_MINUTES`` (10; 60 for the full run), ``SOAK_WINDOW_SECONDS`` (300),
``SOAK_RETENTION_MINUTES`` (15). Output: a line per window, a summary line next to the targets, and
``results/soak/soak.json`` with ``soak.png``.
"""

from __future__ import annotations

import json
import math
import random
import secrets
import tempfile
import threading
import time
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import requests

from assistant.content import ROOT
from assistant.settings import settings
from assistant.store.retention import purge_expired
from benchmarks import load
from benchmarks.bots import UNLIMITED, rss_gib
from benchmarks.stats import percentile
from testkit.servers import running_assistant

OUT = ROOT / "results" / "soak"
LOAD_SHARE = 0.8
SATURATION_PATIENTS = 8
LONG_CONVERSATIONS = 20
MIX: Tuple[Tuple[str, float], ...] = (
    ("long", 0.40),
    ("new", 0.30),
    ("urgent", 0.10),
    ("handoff", 0.10),
    ("erase", 0.10),
)
QUESTIONS = [
    "what is car t",
    "how does CAR-T work?",
    "What are the side effects of CAR-T?",
    "how long is the hospital stay",
    "what is JACIE",
    "how does referral work",
    "thank you",
]
URGENT = "my husband has a temperature of 38.6 and is shivering"
HANDOFF = "can I talk to a person please"


@dataclass
class Turn:
    at: float  # seconds since the soak started
    kind: str
    ms: float
    ok: bool


@dataclass
class Window:
    minute: float
    turns: int
    errors: int
    p50_ms: float
    p95_ms: float
    rasa_rss_gib: Optional[float]
    actions_rss_gib: Optional[float]
    db_mib: float
    purged_events: int
    complete: bool  # a whole window (the last one holds only the turns still in flight at the end)


class Patients:
    """The traffic: one call to :meth:`turn` is one thing a patient does; its latency and whether it went right."""

    def __init__(self, webhook: str, seed: int = 7) -> None:
        self.webhook = webhook
        self.erase_url = webhook.rsplit("/", 1)[0] + "/erase"
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.long = [(f"soak-long-{n}", 0) for n in range(LONG_CONVERSATIONS)]
        self.local = threading.local()

    def _session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def _say(self, sender: str, text: str) -> Tuple[float, Optional[List[Dict[str, Any]]]]:
        started = time.perf_counter()
        try:
            reply = self._session().post(self.webhook, json={"sender": sender, "message": text}, timeout=120)
            messages = reply.json() if reply.status_code == 200 else None
        except (requests.RequestException, ValueError):
            messages = None
        return (time.perf_counter() - started) * 1000, messages

    def pick(self) -> str:
        with self.lock:
            return self.rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX])[0]

    def turn(self, kind: str) -> Tuple[float, bool]:
        if kind == "long":
            with self.lock:
                index = self.rng.randrange(len(self.long))
                sender, count = self.long[index]
                self.long[index] = (sender, count + 1)
            ms, reply = self._say(sender, QUESTIONS[count % len(QUESTIONS)])
            return ms, _answered(reply)
        if kind == "new":
            ms, reply = self._say(f"soak-new-{uuid.uuid4().hex}", QUESTIONS[0])
            return ms, _answered(reply)
        if kind == "urgent":
            ms, reply = self._say(f"soak-urgent-{uuid.uuid4().hex}", URGENT)
            answer_id = (reply[0].get("metadata") or {}).get("answer_id") if reply else None
            return ms, answer_id == "urgent_help"
        if kind == "handoff":
            ms, reply = self._say(f"soak-handoff-{uuid.uuid4().hex}", HANDOFF)
            return ms, _answered(reply)
        secret = secrets.token_urlsafe(32)
        ms, reply = self._say(secret, QUESTIONS[4])
        started = time.perf_counter()
        try:
            erased = self._session().post(self.erase_url, json={"session_secret": secret}, timeout=120)
            ok = erased.status_code == 200 and erased.json().get("erased") is True
        except (requests.RequestException, ValueError):
            ok = False
        return ms + (time.perf_counter() - started) * 1000, ok and _answered(reply)


class Purger:
    """``make purge`` in a thread of its own every ``every_seconds``, as a scheduler would run it.

    Why a thread: the purge must not pause the traffic (an open-loop load that stops, then catches up in a
    burst, would measure the burst, not the purge).
    """

    def __init__(self, endpoints: Path, retention_minutes: float, every_seconds: float) -> None:
        self.endpoints = endpoints
        self.days = retention_minutes / 1440
        self.every_seconds = every_seconds
        self.deleted = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="soak-purge", daemon=True)

    def __enter__(self) -> "Purger":
        self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.stopping.set()
        self.thread.join()

    def _run(self) -> None:
        while not self.stopping.wait(self.every_seconds):
            deleted = purge_expired(self.endpoints, days=self.days)
            with self.lock:
                self.deleted += deleted

    def take(self) -> int:
        """Events deleted since the last call."""
        with self.lock:
            deleted, self.deleted = self.deleted, 0
        return deleted


def _answered(reply: Optional[List[Dict[str, Any]]]) -> bool:
    """A reply that is not empty and not the "can't fetch that" message of a failing assistant."""
    return bool(reply) and all((m.get("metadata") or {}).get("answer_id") != "service_degraded" for m in reply or [])


def database_mib(workdir: Path) -> float:
    return sum(p.stat().st_size for p in workdir.rglob("tracker.db*")) / 1024 / 1024  # in its var/


def saturation(webhook: str) -> float:
    """Turns per second with ``SATURATION_PATIENTS`` patients typing as fast as the replies come."""
    load.concurrent(webhook, QUESTIONS, SATURATION_PATIENTS, 3)  # warm up
    return float(load.concurrent(webhook, QUESTIONS, SATURATION_PATIENTS, 20)["throughput"])


def window_of(
    turns: List[Turn],
    minute: float,
    pids: Mapping[str, Optional[int]],
    workdir: Path,
    purged: int,
    complete: bool = True,
) -> Window:
    latencies = [t.ms for t in turns]
    return Window(
        round(minute, 1),
        len(turns),
        sum(not t.ok for t in turns),
        round(percentile(latencies, 50), 1) if latencies else 0.0,
        round(percentile(latencies, 95), 1) if latencies else 0.0,
        rss_gib(pids["rasa"]),
        rss_gib(pids["actions"]),
        round(database_mib(workdir), 2),
        purged,
        complete,
    )


def run(minutes: float, window_seconds: float, retention_minutes: float, workdir: Path) -> Dict[str, Any]:
    with running_assistant(workdir, debug=False, extra_env=UNLIMITED) as assistant:
        assert assistant.rasa is not None and assistant.actions is not None
        pids = {"rasa": assistant.rasa.pid, "actions": assistant.actions.pid}
        saturated = saturation(assistant.webhook)
        rate = LOAD_SHARE * saturated
        print(f"soak: saturation {saturated:.1f} turns/s; sending {rate:.1f} turns/s for {minutes:g} min", flush=True)
        patients = Patients(assistant.webhook)
        done: List[Turn] = []
        done_lock = threading.Lock()
        started = time.monotonic()

        def one(kind: str) -> None:
            ms, ok = patients.turn(kind)
            with done_lock:
                done.append(Turn(time.monotonic() - started, kind, ms, ok))

        windows: List[Window] = []
        window_start = 0
        duration = minutes * 60
        # When each window closes: every ``window_seconds``, the last one when the traffic stops.
        closes = [
            started + min(k * window_seconds, duration) for k in range(1, math.ceil(duration / window_seconds) + 1)
        ]
        end = started + duration
        purger = Purger(assistant.endpoints, retention_minutes, window_seconds)
        with ThreadPoolExecutor(max_workers=32) as pool, purger:
            next_at = started
            while len(windows) < len(closes):
                now = time.monotonic()
                if now < end and now >= next_at:
                    pool.submit(one, patients.pick())
                    next_at += 1 / rate
                if now >= closes[len(windows)]:
                    with done_lock:
                        turns, window_start = done[window_start:], len(done)
                    windows.append(window_of(turns, (now - started) / 60, pids, workdir, purger.take()))
                    print(f"soak: {format_window(windows[-1])}", flush=True)
                    continue
                time.sleep(max(0.0, min(next_at if next_at < end else math.inf, closes[len(windows)]) - now))
        with done_lock:
            rest = done[window_start:]
        if rest:
            windows.append(window_of(rest, (time.monotonic() - started) / 60, pids, workdir, 0, complete=False))
            print(f"soak: {format_window(windows[-1])} (turns in flight at the end)", flush=True)
    return {
        "saturation_tps": saturated,
        "rate_tps": rate,
        "minutes": minutes,
        "window_seconds": window_seconds,
        "retention_minutes": retention_minutes,
        "windows": [asdict(w) for w in windows],
        "errors_by_kind": _errors_by_kind(done),
        "turns": len(done),
    }


def _errors_by_kind(turns: List[Turn]) -> Dict[str, int]:
    return {kind: sum(1 for t in turns if t.kind == kind and not t.ok) for kind, _ in MIX}


def format_window(w: Window) -> str:
    return (
        f"minute {w.minute:5.1f}: {w.turns} turns, {w.errors} errors, p50 {w.p50_ms:.0f} ms, p95 {w.p95_ms:.0f} ms, "
        f"Rasa {w.rasa_rss_gib or 0:.2f} GiB, actions {w.actions_rss_gib or 0:.2f} GiB, database {w.db_mib:.1f} MiB, "
        f"purged {w.purged_events}"
    )


def summary(result: Dict[str, Any]) -> str:
    """The summary line, with the targets of the full (60-minute) run beside the figures."""
    windows = result["windows"]
    full = [w for w in windows if w["complete"]]
    errors = sum(w["errors"] for w in windows)
    after_ten = [w for w in full if w["minute"] >= 10]
    growth = None
    if len(after_ten) >= 2 and after_ten[0]["rasa_rss_gib"]:
        growth = after_ten[-1]["rasa_rss_gib"] / after_ten[0]["rasa_rss_gib"] - 1
    drift = full[-1]["p95_ms"] / full[1]["p95_ms"] if len(full) >= 2 and full[1]["p95_ms"] else None
    return (
        f"soak: minutes={result['minutes']:g} turns={result['turns']} errors={errors} (target 0) "
        f"rss_growth_after_10_min={'n/a' if growth is None else f'{growth:.3f}'} (target <= 0.05) "
        f"p95_last_vs_second_window={'n/a' if drift is None else f'{drift:.2f}'} (target <= 1.2) "
        f"database_mib_max={max((w['db_mib'] for w in windows), default=0):.1f}"
    )


def plot(result: Dict[str, Any], path: Path) -> None:
    warnings.simplefilter("ignore")  # matplotlib's own pyparsing deprecation warnings
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    windows = [w for w in result["windows"] if w["complete"]]
    minutes = [w["minute"] for w in windows]
    figure, (latency, memory) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    latency.plot(minutes, [w["p50_ms"] for w in windows], marker="o", label="p50")
    latency.plot(minutes, [w["p95_ms"] for w in windows], marker="o", label="p95")
    latency.set_ylabel("latency (ms)")
    latency.legend()
    memory.plot(minutes, [w["rasa_rss_gib"] or 0 for w in windows], marker="o", label="Rasa server RSS (GiB)")
    memory.plot(minutes, [w["db_mib"] / 1024 for w in windows], marker="o", label="database (GiB)")
    memory.set_xlabel("minutes")
    memory.legend()
    figure.suptitle(f"Soak at {result['rate_tps']:.1f} turns/s ({LOAD_SHARE:.0%} of saturation)")
    figure.savefig(path, dpi=100)
    plt.close(figure)


def main() -> int:
    minutes = float(settings().get("SOAK_MINUTES", "10"))
    window_seconds = float(settings().get("SOAK_WINDOW_SECONDS", "300"))
    retention_minutes = float(settings().get("SOAK_RETENTION_MINUTES", "15"))
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="soak-") as name:
        result = run(minutes, window_seconds, retention_minutes, Path(name))
    result["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    (OUT / "soak.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    plot(result, OUT / "soak.png")
    print(f"soak: errors by kind {result['errors_by_kind']}; results/soak/soak.json and soak.png")
    print(summary(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
