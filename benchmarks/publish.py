"""``make bench-publish``: how long a staff edit takes to reach a patient, next to a full retrain.

Two kinds of edit, on the real assistant started on free loopback ports, serving from *copies* of
``data/responses`` and ``data/nlu`` (the project's files are never touched):

- wording: one answer's text is changed and the REST webhook is asked its question until the new text
  comes back (target: 15 s);
- an example question: a wording the assistant does not answer with the intended answer is added under
  that answer, and the webhook is asked it as a new patient until that answer comes back (target: 60 s, aim
  10 s; the running assistant updates its question matcher itself, :mod:`assistant.nlu.live_examples`). Meanwhile
  other patients keep asking questions: their turns' 95th percentile while the assistant learns is set beside
  the one measured just before the edit (target: within 1.5 times).

Then a full ``rasa train`` from scratch (empty, separate cache, temporary output) is timed for comparison.
Training is CPU-heavy: set ``CPU_LOCK=/path/to/lockfile`` to wait for a shared lock first (timing
starts once the lock is held). Last line: ``publish: edit_to_live_s=<x> new_example_live_s=<x>
patients_p95_ratio=<x> full_train_s=<x>``.
"""

from __future__ import annotations

import argparse
import fcntl
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

from assistant.content import ROOT
from assistant.server.processes import RASA
from assistant.settings import settings
from testkit.runner import answer_ids
from testkit.servers import running_assistant, say_to

ANSWER_FILE = "cart.yml"
ANSWER_KEY = "utter_cart/what_is:"
QUESTION = "What is CAR-T cell therapy?"
# A staff member adds a patient's wording under the answer it should have had (written for this benchmark;
# not a held-out or test question). Before the edit the assistant does not give that answer.
NEW_EXAMPLE = ("who pays for the hotel near the hospital", "cart/accommodation_support")
# Before live learning updated the model in service, it trained the whole matcher again (calibration folds
# included) inside the server: this benchmark measured 94.0 s from saving the example to a patient getting it.
FULL_RETRAIN_LIVE_S = 94.0
# Other patients' questions, asked in a loop while the example is learnt (their turns' latency is measured).
PATIENT_QUESTIONS = ("What is CAR-T cell therapy?", "when can i drive again", "hello", "who do I call at night?")
BASELINE_SECONDS = 15.0


def cache_env(workdir: Path) -> Dict[str, str]:
    """Rasa's training cache in the benchmark's own folder (a full train is timed from an empty one)."""
    return {"RASA_CACHE_DIRECTORY": str(workdir / "cache")}


def edit_wording(path: Path, marker: str) -> None:
    """Change the first sentence of the answer's text, as a nurse would in an editor, and save."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == ANSWER_KEY)
    text_line = next(i for i in range(start, len(lines)) if lines[i].lstrip().startswith('- text: "'))
    prefix, rest = lines[text_line].split('- text: "', 1)
    if rest.startswith("[edit "):
        rest = rest.split("] ", 1)[1]
    lines[text_line] = f'{prefix}- text: "{marker} {rest}'
    path.write_text("".join(lines), encoding="utf-8")


def new_sender(name: str) -> str:
    """A new patient's conversation id: random, 16 characters or more, as the channels require."""
    return f"{name}-{uuid.uuid4().hex}"


def reply_text(webhook: str, sender: str) -> str:
    return " ".join(str(m.get("text") or "") for m in say_to(webhook, new_sender(sender), QUESTION))


def answer_of(webhook: str, sender: str, text: str) -> str:
    """The answer id given to ``text`` asked as a new patient ("clarify" when unsure, "" for none)."""
    return next(iter(answer_ids(say_to(webhook, new_sender(sender), text))), "")


@contextmanager
def assistant_on_copies(workdir: Path) -> Iterator[str]:
    """The real Rasa server (no action server: the questions asked need none) answering from copies of
    data/responses and data/nlu; yields its webhook."""
    content, examples = workdir / "responses", workdir / "nlu"
    shutil.copytree(ROOT / "data" / "responses", content)
    shutil.copytree(ROOT / "data" / "nlu", examples)
    env = {**cache_env(workdir), "CONTENT_NLU_DIR": str(examples), "CONTENT_RESPONSES_DIR": str(content)}
    with running_assistant(workdir / "servers", debug=False, extra_env=env, action_server=False) as assistant:
        yield assistant.webhook


def measure_edit_to_live(workdir: Path, webhook: str, rounds: int) -> List[float]:
    before = reply_text(webhook, "bench-0")
    if "immunotherapy" not in before:
        raise SystemExit(f"the question did not reach cart/what_is; reply was: {before!r}")
    times = []
    for number in range(1, rounds + 1):
        marker = f"[edit {number}]"
        saved = time.monotonic()
        edit_wording(workdir / "responses" / ANSWER_FILE, marker)
        while marker not in reply_text(webhook, f"bench-{number}"):
            if time.monotonic() - saved > 120:
                raise SystemExit(f"the edit was not live after 120 s (see {workdir / 'servers' / 'rasa.log'})")
            time.sleep(0.05)
        times.append(time.monotonic() - saved)
        print(f"edit {number}: live after {times[-1]:.3f} s", flush=True)
        time.sleep(1.1)  # next edit gets a new modification time even on coarse file systems
    return times


class PatientLoad:
    """Other patients asking questions one after another (each as a new conversation), each turn timed."""

    def __init__(self, webhook: str) -> None:
        self.webhook = webhook
        self.turns: List[Tuple[float, float]] = []  # (when it started, seconds it took)
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asked = 0
        while not self._stop.is_set():
            started = time.monotonic()
            say_to(self.webhook, new_sender("bench-load"), PATIENT_QUESTIONS[asked % len(PATIENT_QUESTIONS)])
            self.turns.append((started, time.monotonic() - started))
            asked += 1

    def __enter__(self) -> "PatientLoad":
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self.thread.join(timeout=60)

    def p95_ms(self, start: float, end: float) -> float:
        """95th percentile of the turns that started between ``start`` and ``end``, in milliseconds."""
        times = sorted(seconds for when, seconds in self.turns if start <= when <= end)
        if not times:
            return float("nan")
        return 1000 * times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


def measure_new_example_live(workdir: Path, webhook: str) -> float:
    """Seconds from saving one new example question to a new patient getting its answer for that wording."""
    text, answer = NEW_EXAMPLE
    before = answer_of(webhook, "bench-example-0", text)
    if before == answer:
        raise SystemExit(f"the assistant already answers {text!r} with {answer}: choose another wording")
    path = workdir / "nlu" / f"{answer.split('/')[0]}.yml"
    source = path.read_text(encoding="utf-8")
    anchor = f"- intent: {answer}\n  examples: |\n"
    if anchor not in source:
        raise SystemExit(f"{answer} not found in {path.name}")
    saved = time.monotonic()
    path.write_text(source.replace(anchor, f"{anchor}    - {text}\n", 1), encoding="utf-8")
    measure_new_example_live.saved = saved  # type: ignore[attr-defined]
    asked = 0
    while True:
        asked += 1
        got = answer_of(webhook, f"bench-example-{asked}", text)
        if got == answer:
            break
        if time.monotonic() - saved > 300:
            raise SystemExit(f"the new example was not used after 300 s (see {workdir / 'servers' / 'rasa.log'})")
        time.sleep(0.5)
    seconds = time.monotonic() - saved
    print(
        f"new example question: {before or 'a reply that is not an answer'} before the edit, "
        f"{answer} {seconds:.1f} s after saving it",
        flush=True,
    )
    return seconds


@contextmanager
def cpu_lock() -> Iterator[None]:
    """Hold ``$CPU_LOCK`` (if set) so CPU-heavy runs of parallel sessions do not overlap."""
    path = settings().get("CPU_LOCK")
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
    env = settings().server_environment(cache_env(workdir))
    started = time.monotonic()
    subprocess.run(
        [RASA, "train", "--data", str(data), "--out", str(workdir / "models"), "--fixed-model-name", name, "--quiet"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="wording edits to time (default 5)")
    parser.add_argument("--skip-train", action="store_true", help="only time the edits going live")
    args = parser.parse_args()
    if not settings().model_path.exists():
        raise SystemExit(f"no trained model at {settings().model_path}: run `make train` first")
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        workdir = Path(tmp)
        with assistant_on_copies(workdir) as webhook:
            times = measure_edit_to_live(workdir, webhook, args.rounds)
            edit_to_live = max(times)
            print(
                f"edit-to-live over {len(times)} edits: median {statistics.median(times):.3f} s, "
                f"worst {edit_to_live:.3f} s"
            )
            with cpu_lock(), PatientLoad(webhook) as load:
                time.sleep(BASELINE_SECONDS)  # other patients' normal turns, before the edit
                new_example = measure_new_example_live(workdir, webhook)
                saved = measure_new_example_live.saved  # type: ignore[attr-defined]
                time.sleep(2)  # the turns still running when the example went live
                normal, learning = load.p95_ms(saved - BASELINE_SECONDS, saved), load.p95_ms(saved, saved + new_example)
            ratio = learning / normal
            print(
                f"new example question live after {new_example:.1f} s (before this change, a full retrain in the "
                f"server: {FULL_RETRAIN_LIVE_S:.1f} s); other patients' p95: {normal:.0f} ms before the edit, "
                f"{learning:.0f} ms while learning ({ratio:.2f}x)",
                flush=True,
            )
        full_train = "skipped"
        if not args.skip_train:
            data = workdir / "data"
            shutil.copytree(ROOT / "data", data)
            with cpu_lock():
                seconds = timed_train(workdir, data, "full")
                full_train = f"{seconds:.0f}"
                print(f"full rasa train from scratch (empty cache): {seconds:.0f} s", flush=True)
        print(
            f"publish: edit_to_live_s={edit_to_live:.2f} new_example_live_s={new_example:.1f} "
            f"patients_p95_ratio={ratio:.2f} full_train_s={full_train}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
