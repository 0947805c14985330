"""Live learning: example questions that staff save in ``data/nlu/`` are used by the running assistant.

Why: clinical owners improve recognition by adding, moving or removing example questions. Waiting for a
retrain and a restart would keep a fix from patients for the length of a release, so the running server learns
them itself, the way answer wording already goes live (:mod:`assistant.server.live_content`): only the new
sentences are encoded and the model in service is updated in a few L-BFGS steps
(:meth:`assistant.nlu.matcher_model.TrainedMatcher.refit`, seconds on one core), not trained again from zero
with its calibration folds (94 s on two cores, measured).

A background thread looks at the files' modification times every second. After a change it reads every
file, checks it, and learns only if the examples really differ. A change with a mistake is refused as a
whole, with a plain-words message in the server log naming the file and line, and the model in service is
kept: a half-read file must never silently drop an answer's examples. Refused:

- a file that is not valid YAML, or not in Rasa's training-data format;
- an example under a name that is neither an answer in ``data/responses/`` (in a topic the assistant
  already has) nor a kind of message the assistant knows; a new kind of message needs rules, so a retrain;
- the same example under two names;
- an answer or kind of message left with no example at all (it could never be found).

Only a model trained from this same folder learns live (not a cross-validation fold or a model trained on
other data), and only in the process that loaded it for answering.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterator, List, Optional, Protocol, Sequence, Set, Tuple

from assistant.content.catalogue import live_responses_dir, read_answers, read_yaml
from assistant.content.similarity import normalise
from assistant.content.watched import Watched, yaml_files
from assistant.nlu.matcher_model import Example, TrainedMatcher, sorted_examples


class Learner(Protocol):
    """What the watcher needs of the question matcher (:class:`assistant.nlu.question_matcher.QuestionMatcher`)."""

    examples: List[Example]
    retrieval_intents: List[str]
    trained_from_examples_dir: bool

    @property
    def trained(self) -> TrainedMatcher: ...

    def learn(self, examples: Sequence[Example], quick: bool = False) -> TrainedMatcher: ...


logger = logging.getLogger(__name__)
SWITCH_INTERVAL_WHILE_LEARNING = 0.0005  # seconds (Python's default: 0.005)
# How much lower the watcher thread's priority is than the server's (nice values; measured with bench-publish on
# two busy cores: other patients' p95 3.4 times normal while learning at the server's priority, 0.9-1.35 times at
# 5-10 lower, the example live in 7-10 s and 17-20 s respectively).
LEARNING_NICENESS = 5


@dataclass
class ExampleFiles:
    """Every example of a folder of Rasa NLU files, or the problems that make it unusable."""

    examples: List[Example] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)
    where: Dict[str, Tuple[Path, int]] = field(default_factory=dict)  # label -> (file, line of "- intent:")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _line_of(text: str, label: str) -> int:
    """The line of ``- intent: <label>`` in a file (0 when not found)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().lstrip("-").strip() in (f"intent: {label}", f'intent: "{label}"', f"intent: '{label}'"):
            return number
    return 0


def _rasa_complaints(error: Exception) -> List[Tuple[int, str]]:
    """Rasa's schema messages ("in Line 3: Key 'intnt' was not defined. Path: '/nlu/0'") as (line, words)."""
    found = [
        (int(line), re.sub(r"\s*(?:Value )?[Pp]ath: .*$", "", detail.strip()).rstrip("."))
        for line, detail in re.findall(r"in Line (\d+):\s*\n\s*(.+)", str(error))
    ]
    return found or [(0, str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__)]


def read_example_files(directory: Path) -> ExampleFiles:
    """Read every ``*.yml`` of ``directory`` with Rasa's own reader; mistakes are collected, never raised. A file
    whose text has not changed since it was last read is not parsed again (Rasa's reader takes about a second
    for the largest file, holding the interpreter while patients' turns wait)."""
    found = ExampleFiles()
    files = yaml_files(directory)
    if not files:
        found.problems.append(f"{_shown(directory)}: no example files (*.yml) found")
    for path in files:
        examples, problems, where = _read_example_file(str(path), path.read_text(encoding="utf-8"))
        found.examples.extend(examples)
        found.problems.extend(problems)
        for label, line in where:
            found.where.setdefault(label, (path, line))
    return found


@lru_cache(maxsize=64)
def _read_example_file(
    name: str, text: str
) -> Tuple[Tuple[Example, ...], Tuple[str, ...], Tuple[Tuple[str, int], ...]]:
    """One file's examples, problems and where each label is, for this text of it (cached by text)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    path = Path(name)
    _, error = read_yaml(path)
    if error is not None:
        return (), (f"{_shown(path)}:{error.line}: {error.message}",), ()
    try:
        data = RasaYAMLReader().reads(text)
    except Exception as not_rasa:  # Rasa raises several kinds; each means "not a training-data file"
        return (
            (),
            tuple(
                f"{_shown(path)}:{line}: this is not in the format for example questions ({detail})"
                for line, detail in _rasa_complaints(not_rasa)
            ),
            (),
        )
    examples: List[Example] = []
    where: Dict[str, int] = {}
    for message in data.intent_examples:
        label = message.get("intent_response_key") or message.get("intent")
        examples.append((message.get("text"), label))
        where.setdefault(label, _line_of(text, label))
    return tuple(examples), (), tuple(where.items())


def check_examples(
    found: ExampleFiles, known_labels: Set[str], retrieval_intents: Set[str], answers: Set[str]
) -> List[str]:
    """The problems that stop a set of examples going live, in plain words."""

    def at(label: str) -> str:
        path, line = found.where.get(label, (None, 0))
        return f"{_shown(path)}:{line}" if path else "data/nlu"

    problems = []
    usable = known_labels | {a for a in answers if a.split("/", 1)[0] in retrieval_intents}
    labels = {label for _, label in found.examples}
    for label in sorted(labels - usable):
        if "/" in label:
            problems.append(
                f"{at(label)}: '{label}' is not an answer in data/responses/ (check the spelling, or add the "
                "answer there first)"
            )
        else:
            problems.append(
                f"{at(label)}: '{label}' is not a kind of message the assistant knows (check the spelling; "
                "a new kind of message needs a retrain: make train)"
            )
    first_label: Dict[str, Tuple[str, str]] = {}
    for text, label in found.examples:
        earlier = first_label.setdefault(normalise(text) or text, (label, text))
        if earlier[0] != label:
            problems.append(
                f'{at(label)}: the example "{text}" is also an example of {earlier[0]}; keep it under one answer only'
            )
    for label in sorted((known_labels - labels) & ({label for label in known_labels if "/" not in label} | answers)):
        problems.append(
            f"data/nlu: '{label}' has no example questions left, so the assistant could never find it; "
            "add some back (or remove the answer from data/responses/ first)"
        )
    return problems


class ExampleWatcher:
    """Watches one folder of example files for a :class:`QuestionMatcher` and updates it on a good change."""

    def __init__(self, directory: Path, matcher: "Learner", interval: float) -> None:
        self.directory = directory
        self.matcher = matcher
        self.interval = interval
        self.files: Optional[Watched[ExampleFiles]] = None  # read at the first look, again when they change
        self._refused: Optional[Tuple[str, ...]] = None
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="live-examples", daemon=True)

    @classmethod
    def start_if_trained_from(cls, directory: Path, matcher: "Learner", interval: float) -> Optional["ExampleWatcher"]:
        if not matcher.trained_from_examples_dir:
            logger.info("Live learning of example questions is off: this model was not trained from %s", directory)
            return None
        watcher = cls(directory, matcher, interval)
        watcher.thread.start()
        return watcher

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(timeout=10)

    def _run(self) -> None:
        _lower_this_threads_priority()
        while not self._stop.is_set():
            try:
                self.check_once()
            except Exception:  # never let the watcher die: the assistant keeps answering with its model
                logger.exception("Live learning of example questions failed; the assistant keeps its current model")
            self._stop.wait(self.interval)

    def check_once(self) -> bool:
        """Look for a change and learn from it; True when a new model went into service."""
        if self.files is None:
            self.files = Watched(self.directory, lambda _previous: read_example_files(self.directory))
        elif not self.files.changed():
            return False
        with interpreter_shared_often():
            return self._learn_from_files(self.files)

    def _learn_from_files(self, files: Watched[ExampleFiles]) -> bool:
        found = files.current()
        problems = found.problems or check_examples(
            found, set(self.matcher.trained.labels), set(self.matcher.retrieval_intents), _answer_ids()
        )
        if problems:
            if tuple(problems) != self._refused:
                logger.error(
                    "The changed example questions in %s are NOT used (the assistant keeps the ones it had) "
                    "until these are fixed:\n  %s",
                    _shown(self.directory),
                    "\n  ".join(problems),
                )
            self._refused = tuple(problems)
            return False
        self._refused = None
        examples = sorted_examples(found.examples)
        if examples == self.matcher.examples:
            return False
        before = set(self.matcher.examples)
        started = time.monotonic()
        self.matcher.learn(examples, quick=True)
        logger.info(
            "Now using the example questions saved in %s: %d added, %d removed or moved, %d in all (learnt in %.1f s)",
            _shown(self.directory),
            len(set(examples) - before),
            len(before - set(examples)),
            len(examples),
            time.monotonic() - started,
        )
        return True


def _lower_this_threads_priority(niceness: int = LEARNING_NICENESS) -> None:
    """Learning gives way to patients' turns for the processor (Linux: a thread's own nice value)."""
    try:
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + niceness))
    except (AttributeError, OSError):  # not Linux, or not allowed: learn at the server's priority
        pass


@contextmanager
def interpreter_shared_often(seconds: float = SWITCH_INTERVAL_WHILE_LEARNING) -> Iterator[None]:
    """While this thread reads files and learns, hand the interpreter back to the server's event loop more often
    than Python's default 5 ms: a patient's turn gives the interpreter up dozens of times (at each TensorFlow
    call) and would wait up to the switch interval each time to get it back (measured: p95 of other patients'
    turns 3.4 times normal while learning at 5 ms)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _answer_ids() -> Set[str]:
    """Answer ids in the folder the assistant serves answers from (staff may add an answer and its examples)."""
    ids: Set[str] = set()
    for path in yaml_files(live_responses_dir()):
        ids.update(_answer_keys(str(path), path.read_text(encoding="utf-8")))
    return ids


@lru_cache(maxsize=64)
def _answer_keys(name: str, text: str) -> FrozenSet[str]:
    """The answer ids of one file, for this text of it (cached by text)."""
    answers, _ = read_answers(Path(name))
    return frozenset(answer.key for answer in answers)


def examples_in(directory: Path) -> Optional[Sequence[Example]]:
    """The examples of a folder, or None when it cannot be read cleanly (used when a model is trained)."""
    found = read_example_files(directory)
    return None if found.problems else sorted_examples(found.examples)
