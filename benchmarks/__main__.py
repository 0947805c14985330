"""``make bench``: this assistant next to Rasa's starter bot, trained and measured in the same run.

Writes results/bench/results.json and PNG plots, prints the side-by-side table and, last, one line:
``bench: p95_ratio=… throughput_ratio=… growth_300_vs_1=… rss_gib=…`` (this assistant ÷ starter bot).

Settings (environment); the defaults keep a run near 15 minutes on 2 cores:
- ``BENCH_QUICK=1``: 80 instead of 200 sequential turns (about 2 minutes less);
- ``BENCH_CATALOGUE`` (default ``4``; e.g. ``1,4,10`` for the whole curve, ~40 min; empty to skip):
  catalogue sizes to train with synthetic answers and measure (×1 is the trained model in any case);
- ``BENCH_TURNS``: sequential turns; concurrent runs send about as many again;
- ``BENCH_UNBOUNDED`` (default 1): also measure history growth with whole sessions loaded
  (``history_turns: 0``, Rasa's own behaviour), the evidence for ``assistant/store/bounded_history.py``.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

from assistant.content import NLU_DIR, ROOT
from assistant.server.processes import RASA
from assistant.settings import settings as project_settings
from benchmarks import load, plots
from benchmarks.bots import UNLIMITED, quiet_env, rss_gib, running_starter, train_starter
from benchmarks.catalogue import count_answers, grown_project
from benchmarks.stats import format_table, latency_summary, ratio, summary_line, window_median
from testkit.servers import running_assistant

OUT = ROOT / "results" / "bench"
GROWTH_POINTS = (1, 50, 100, 300)
# What patients ask (general questions, no answer text); the starter bot gets its own small talk.
ASSISTANT_MESSAGES = [
    "hello",
    "what is car t",
    "how does CAR-T work?",
    "What are the side effects of CAR-T?",
    "how long will I stay in hospital",
    "can I drive after treatment",
    "thank you",
]
STARTER_MESSAGES = ["hello", "I am feeling great", "are you a bot?", "I am sad", "yes", "bye"]


def settings() -> Dict[str, Any]:
    knobs = project_settings()
    quick = knobs.get("BENCH_QUICK") == "1"
    catalogue = knobs.get("BENCH_CATALOGUE", "4")
    return {
        "quick": quick,
        "turns": int(knobs.get("BENCH_TURNS", "80" if quick else "200")),
        "growth_turns": max(GROWTH_POINTS),
        "catalogue": [int(x) for x in catalogue.split(",") if x.strip()],
        "unbounded": knobs.get("BENCH_UNBOUNDED", "1") == "1",
    }


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def measure(webhook: str, messages: List[str], turns: int, pids: Mapping[str, Optional[int]]) -> Dict[str, Any]:
    """Every latency measurement of one running bot."""
    result: Dict[str, Any] = {"sequential": latency_summary(load.fresh_conversations(webhook, messages, turns))}
    for patients in (8, 32):
        run = load.concurrent(webhook, messages, patients, max(2, turns // patients))
        result[f"concurrent_{patients}"] = {**latency_summary(run["latencies"]), "throughput": run["throughput"]}
    result["throughput"] = max(result["concurrent_8"]["throughput"], result["concurrent_32"]["throughput"])
    growth = load.conversation(webhook, messages, max(GROWTH_POINTS))
    result["growth_per_turn"] = growth
    result["growth"] = {str(turn): window_median(growth, turn) for turn in GROWTH_POINTS}
    result["rss_gib"] = {name: rss_gib(pid) for name, pid in pids.items()}
    return result


def bench_starter(tmp: Path, config: Dict[str, Any]) -> Dict[str, Any]:
    workdir = tmp / "starter"
    workdir.mkdir()
    log("training Rasa's starter bot (rasa init --no-prompt)")
    model, train_s = train_starter(workdir, quiet_env())
    log(f"starter bot trained in {train_s:.0f} s; measuring")
    started = time.monotonic()
    with running_starter(workdir, model, quiet_env()) as (webhook, process):
        load.conversation(webhook, ["hello"], 1)
        cold = time.monotonic() - started
        result = measure(webhook, STARTER_MESSAGES, config["turns"], {"rasa": process.pid})
    return {**result, "cold_start_s": cold, "train_s": train_s}


def bench_unbounded(tmp: Path) -> Dict[str, Any]:
    """History growth with whole sessions loaded for prediction (``history_turns: 0``)."""
    endpoints = tmp / "endpoints-unbounded.yml"
    endpoints.write_text(
        re.sub(r"(?m)^(\s*history_turns:).*$", r"\1 0", project_settings().endpoints.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    with running_assistant(tmp / "assistant-unbounded", debug=False, extra_env=UNLIMITED, endpoints=endpoints) as bot:
        growth = load.conversation(bot.webhook, ASSISTANT_MESSAGES, max(GROWTH_POINTS))
    return {"growth_per_turn": growth, "growth": {str(turn): window_median(growth, turn) for turn in GROWTH_POINTS}}


def bench_assistant(
    tmp: Path, config: Dict[str, Any], model: Optional[Path] = None, full: bool = True, examples: Path = NLU_DIR
) -> Dict[str, Any]:
    """Measure a running assistant (the project's model unless ``model``); ``examples`` is the folder of example
    questions its model was trained from."""
    model = model or project_settings().model_path
    started = time.monotonic()
    env = {**UNLIMITED, "CONTENT_NLU_DIR": str(examples)}
    with running_assistant(tmp / f"assistant-{model.stem}", model=model, debug=False, extra_env=env) as bot:
        load.conversation(bot.webhook, ["hello"], 1)
        cold = time.monotonic() - started
        assert bot.rasa is not None and bot.actions is not None, "running_assistant starts both servers"
        pids = {"rasa": bot.rasa.pid, "actions": bot.actions.pid}
        if full:
            return {**measure(bot.webhook, ASSISTANT_MESSAGES, config["turns"], pids), "cold_start_s": cold}
        return {
            "sequential": latency_summary(load.fresh_conversations(bot.webhook, ASSISTANT_MESSAGES, 40)),
            "cold_start_s": cold,
            "rss_gib": {name: rss_gib(pid) for name, pid in pids.items()},
        }


def bench_catalogue(tmp: Path, config: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Train and measure the catalogue copies (list ×1 too to time a full training of the real catalogue)."""
    import subprocess

    rows = []
    for factor in config["catalogue"]:
        project = grown_project(ROOT, tmp / f"catalogue-x{factor}", factor)
        log(f"catalogue x{factor}: training ({count_answers(project / 'data' / 'responses')} answers)")
        started = time.monotonic()
        subprocess.run(
            [RASA, "train", "--fixed-model-name", f"x{factor}", "--out", str(project / "models"), "--quiet"],
            cwd=project,
            env={**quiet_env(), "PYTHONPATH": str(ROOT)},
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        train_s = time.monotonic() - started
        measured = bench_assistant(
            tmp, config, project / "models" / f"x{factor}.tar.gz", full=False, examples=project / "data" / "nlu"
        )
        rows.append(
            {"factor": factor, "answers": count_answers(project / "data" / "responses"), "train_s": train_s, **measured}
        )
        log(f"catalogue x{factor}: trained in {train_s:.0f} s, p95 {measured['sequential']['p95']:.0f} ms")
    return rows


def table_rows(ours: Dict[str, Any], starter: Dict[str, Any]) -> List[tuple]:
    rows = []
    for run in ("sequential", "concurrent_8", "concurrent_32"):
        for key in ("p50", "p95", "p99"):
            rows.append((f"{run} {key} ms", ours[run][key], starter[run][key]))
    rows.append(("throughput turns/s", ours["throughput"], starter["throughput"]))
    for turn in GROWTH_POINTS:
        rows.append((f"turn {turn} p50 ms", ours["growth"][str(turn)], starter["growth"][str(turn)]))
    rows.append(("turn 300 / turn 1", growth_ratio(ours), growth_ratio(starter)))
    rows.append(("Rasa server RSS GiB", ours["rss_gib"]["rasa"], starter["rss_gib"]["rasa"]))
    rows.append(("action server RSS GiB", ours["rss_gib"].get("actions"), None))
    rows.append(("cold start to first answer s", ours["cold_start_s"], starter["cold_start_s"]))
    return rows


def growth_ratio(result: Dict[str, Any]) -> Optional[float]:
    return ratio(result["growth"]["300"], result["growth"]["1"])


def main() -> int:
    config = settings()
    OUT.mkdir(parents=True, exist_ok=True)
    machine = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": sys.version.split()[0]}
    log(f"settings {config}")
    with tempfile.TemporaryDirectory(prefix="bench-") as name:
        tmp = Path(name)
        starter = bench_starter(tmp, config)
        log("measuring this assistant")
        ours = bench_assistant(tmp, config)
        unbounded = None
        if config["unbounded"]:
            log("measuring history growth with whole sessions loaded (history_turns: 0)")
            unbounded = bench_unbounded(tmp)
        catalogue = bench_catalogue(tmp, config)
    results = {
        "settings": config,
        "machine": machine,
        "assistant": ours,
        "starter": starter,
        "catalogue": catalogue,
        "assistant_unbounded": unbounded,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    plots.write_all(results, OUT)
    print(format_table(table_rows(ours, starter)))
    for row in catalogue:
        train = "-" if row["train_s"] is None else f"{row['train_s']:.0f} s"
        print(
            f"catalogue x{row['factor']}: {row['answers']} answers, training {train}, "
            f"p50 {row['sequential']['p50']:.0f} ms, p95 {row['sequential']['p95']:.0f} ms"
        )
    if unbounded:
        print(
            "history growth, whole sessions loaded (history_turns: 0): "
            + ", ".join(f"turn {turn} {unbounded['growth'][str(turn)]:.0f} ms" for turn in GROWTH_POINTS)
            + f"; turn 300 / turn 1 {growth_ratio(unbounded):.2f}"
        )
    print(f"results: {OUT}/results.json and *.png")
    print(
        summary_line(
            ratio(ours["sequential"]["p95"], starter["sequential"]["p95"]),
            ratio(ours["throughput"], starter["throughput"]),
            growth_ratio(ours),
            ours["rss_gib"]["rasa"],
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
