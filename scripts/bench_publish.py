"""``make bench-publish``: how long a staff wording edit takes to reach a patient, next to a full retrain.

Why: the issue's target is ≤ 15 s from saving an answer's new wording to a patient receiving it.
The real assistant is started on free loopback ports, serving answers from a *copy* of
``data/responses`` (the project's files are never touched); the copy's wording of one answer is edited
and the REST webhook is asked the question until the new text comes back. Then a full ``rasa train``
from scratch (empty, separate cache, temporary output) is timed for comparison, and optionally the
retrain after adding one example question (Rasa's cache reuses what did not change).

Training is CPU-heavy: set ``CPU_LOCK=/path/to/lockfile`` to wait for a shared lock first (timing
starts once the lock is held). Last line: ``publish: edit_to_live_s=<x> full_train_s=<x>``.
"""
from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testkit.servers import MODEL, RASA, free_port, say_to, stop, wait_for  # noqa: E402

ANSWER_FILE = "cart.yml"
ANSWER_KEY = "utter_cart/what_is:"
QUESTION = "What is CAR-T cell therapy?"


def server_env(workdir: Path) -> dict:
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SANIC_HOST": "127.0.0.1", "PYTHONPATH": str(ROOT),
            "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_CACHE_DIRECTORY": str(workdir / "cache")}


def edit_wording(path: Path, marker: str) -> None:
    """Change the first sentence of the answer's text, as a nurse would in an editor, and save."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == ANSWER_KEY)
    text_line = next(i for i in range(start, len(lines)) if lines[i].lstrip().startswith("- text: \""))
    prefix, rest = lines[text_line].split("- text: \"", 1)
    if rest.startswith("[edit "):
        rest = rest.split("] ", 1)[1]
    lines[text_line] = f"{prefix}- text: \"{marker} {rest}"
    path.write_text("".join(lines), encoding="utf-8")


def reply_text(webhook: str, sender: str) -> str:
    return " ".join(str(m.get("text") or "") for m in say_to(webhook, sender, QUESTION))


def measure_edit_to_live(workdir: Path, rounds: int) -> List[float]:
    content = workdir / "responses"
    shutil.copytree(ROOT / "data" / "responses", content)
    rasa_port = free_port()
    (workdir / "endpoints.yml").write_text(
        f"""action_endpoint:
  url: "http://127.0.0.1:{free_port()}/webhook"
tracker_store:
  type: SQL
  dialect: "sqlite"
  db: "{workdir / 'tracker.db'}"
nlg:
  type: assistant.nlg.ContentNaturalLanguageGenerator
  responses_dir: "{content}"
""", encoding="utf-8")
    log = open(workdir / "rasa.log", "ab")
    server = subprocess.Popen(
        [RASA, "run", "--model", str(MODEL), "--interface", "127.0.0.1", "--port", str(rasa_port),
         "--endpoints", str(workdir / "endpoints.yml"), "--credentials", str(ROOT / "credentials.yml")],
        cwd=ROOT, env=server_env(workdir), stdout=log, stderr=subprocess.STDOUT)
    webhook = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
    try:
        wait_for(f"http://127.0.0.1:{rasa_port}/webhooks/rest/", 300, server)
        before = reply_text(webhook, "bench-0")
        if "immunotherapy" not in before:
            raise SystemExit(f"the question did not reach cart/what_is; reply was: {before!r}")
        times = []
        for number in range(1, rounds + 1):
            marker = f"[edit {number}]"
            saved = time.monotonic()
            edit_wording(content / ANSWER_FILE, marker)
            while marker not in reply_text(webhook, f"bench-{number}"):
                if time.monotonic() - saved > 120:
                    raise SystemExit(f"the edit was not live after 120 s (see {workdir / 'rasa.log'})")
                time.sleep(0.05)
            times.append(time.monotonic() - saved)
            print(f"edit {number}: live after {times[-1]:.3f} s", flush=True)
            time.sleep(1.1)  # next edit gets a new modification time even on coarse file systems
        return times
    finally:
        stop(server)
        log.close()


@contextmanager
def cpu_lock() -> Iterator[None]:
    """Hold ``$CPU_LOCK`` (if set) so CPU-heavy runs of parallel sessions do not overlap."""
    path = os.environ.get("CPU_LOCK")
    if not path:
        yield
        return
    with open(path, "a") as handle:
        print(f"waiting for the CPU lock {path} …", flush=True)
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def timed_train(workdir: Path, data: Path, name: str) -> float:
    env = {**server_env(workdir), "TF_DETERMINISTIC_OPS": "1"}
    started = time.monotonic()
    subprocess.run([RASA, "train", "--data", str(data), "--out", str(workdir / "models"), "--fixed-model-name", name,
                    "--quiet"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def add_one_example(data: Path) -> None:
    path = data / "nlu" / ANSWER_FILE
    text = path.read_text(encoding="utf-8")
    anchor = "    - what is car t\n"
    path.write_text(text.replace(anchor, anchor + "    - could you explain what car t cell treatment is\n", 1), encoding="utf-8")


def edit_response_text(data: Path) -> None:
    """The Rasa-only way of publishing a wording change: edit the text in the training data and retrain."""
    path = data / "responses" / ANSWER_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("CAR-T cell therapy is a type of immunotherapy.", "CAR-T is a type of immunotherapy.", 1),
                    encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="wording edits to time (default 5)")
    parser.add_argument("--skip-train", action="store_true", help="only time edit-to-live")
    parser.add_argument("--example-retrain", action="store_true",
                        help="also time the cached retrain after adding one example question")
    parser.add_argument("--wording-retrain", action="store_true",
                        help="also time Rasa's cached retrain after a wording change (what live publishing avoids)")
    args = parser.parse_args()
    if not MODEL.exists():
        raise SystemExit(f"no trained model at {MODEL}: run `make train` first")
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        workdir = Path(tmp)
        times = measure_edit_to_live(workdir, args.rounds)
        edit_to_live = max(times)
        print(f"edit-to-live over {len(times)} edits: median {statistics.median(times):.3f} s, worst {edit_to_live:.3f} s")
        full_train = "skipped"
        if not args.skip_train:
            data = workdir / "data"
            shutil.copytree(ROOT / "data", data)
            with cpu_lock():
                seconds = timed_train(workdir, data, "full")
                full_train = f"{seconds:.0f}"
                print(f"full rasa train from scratch (empty cache): {seconds:.0f} s", flush=True)
                if args.wording_retrain:
                    edit_response_text(data)
                    print(f"retrain after a wording change in data/responses (Rasa cache): "
                          f"{timed_train(workdir, data, 'wording'):.0f} s", flush=True)
                if args.example_retrain:
                    add_one_example(data)
                    print(f"retrain after adding one example question (Rasa cache): "
                          f"{timed_train(workdir, data, 'one-example'):.0f} s", flush=True)
        print(f"publish: edit_to_live_s={edit_to_live:.2f} full_train_s={full_train}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
