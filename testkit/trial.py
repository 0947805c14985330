"""Held-out question trials: what a new patient gets for questions the assistant was never trained on.

Why: cross-validation scores example questions written by the same hands as the training data, and the
conversation tests are fixed wordings that the data has been tuned to pass. A trial asks questions
written separately (``tests/heldout/*.yml``, never copied into ``data/nlu``), each as the first message
of a new conversation with the running assistant, and sorts every reply the way the patient meets it:

- **right**: the expected answer was served;
- **not sure**: the "Did you mean…?" buttons (``clarify``), with or without the expected answer among them;
- **wrong**: another answer (or another kind of reply) was served instead.

A question may also expect one of the replies the domain marks with an ``answer_id`` (``out_of_scope``: the
reply that says what the assistant can help with), and may be a follow-up: its ``after`` messages are said
first, in the same conversation, and only the reply to the question itself is judged.

It is a measurement for the closing notes and for content owners, not a test: a wrong answer does not
fail it. A question file with mistakes (unknown answer, a question that is also a training example) does.
"""

from __future__ import annotations

import csv
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import yaml

from assistant.content import DOMAIN_PATH, TESTS_DIR
from assistant.content.catalogue import Catalogue, load_catalogue
from assistant.content.similarity import near_same, normalise
from assistant.content.system_messages import CLARIFY_ANSWER_ID
from testkit.loader import _display

HELD_OUT_DIR = TESTS_DIR / "heldout"
RIGHT, NOT_SURE, WRONG = "right", "not sure", "wrong"
OUTCOMES = (RIGHT, NOT_SURE, WRONG)

Say = Callable[[str, str], List[Dict[str, Any]]]  # (sender id, text) -> the assistant's messages


class TrialFileError(Exception):
    """A held-out question file that cannot be used, with every mistake in plain words."""

    def __init__(self, problems: List[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class HeldOutQuestion:
    text: str
    expected: str  # a catalogue answer id, e.g. "cart/driving", or a domain reply's, e.g. "out_of_scope"
    source: str  # "tests/heldout/round2.yml #3", for messages
    after: Tuple[str, ...] = ()  # said first in the same conversation: the question is a follow-up to them


@dataclass(frozen=True)
class Verdict:
    question: HeldOutQuestion
    outcome: str  # RIGHT, NOT_SURE or WRONG
    served: str  # the answer id of the first reply ("clarify" when unsure; "" when it had none)
    offered: Tuple[str, ...] = ()  # answer ids behind the "Did you mean…?" buttons

    @property
    def expected_offered(self) -> bool:
        return self.question.expected in self.offered

    @property
    def detail(self) -> str:
        if self.outcome == NOT_SURE:
            offered = ", ".join(self.offered) or "no answer buttons"
            mark = "right one offered" if self.expected_offered else "right one NOT offered"
            return f"buttons: {offered} ({mark})"
        return self.served or "(no answer id)"


def domain_reply_ids(domain: Path = DOMAIN_PATH) -> Set[str]:
    """The ``answer_id`` of the domain's own replies (``out_of_scope``, ``urgent_help``): a question may expect
    one of them, since the patient recognises them as surely as a catalogue answer."""
    try:
        responses = (yaml.safe_load(domain.read_text(encoding="utf-8")) or {}).get("responses") or {}
    except (OSError, yaml.YAMLError):
        return set()
    return {
        str(variation["metadata"]["answer_id"])
        for variations in responses.values()
        for variation in variations or []
        if isinstance(variation, dict)
        and isinstance(variation.get("metadata"), dict)
        and variation["metadata"].get("answer_id")
    }


def load_questions(paths: Sequence[Path], catalogue: Optional[Catalogue] = None) -> List[HeldOutQuestion]:
    """Every question of ``paths`` (files or folders of ``*.yml``), checked against the catalogue.

    Each file is a YAML list of ``{text, expected}``, with an optional ``after`` (a list of messages said
    first). Raises :class:`TrialFileError` listing every mistake: an expected answer that does not exist, an
    ``after`` that is not a list of messages, a question asked twice, or a question that is (nearly) one of
    the training examples, which would make the trial measure memory, not understanding.
    """
    catalogue = catalogue or load_catalogue()
    known = set(catalogue.answers) | domain_reply_ids()
    files = [f for p in paths for f in (sorted(p.glob("*.yml")) if p.is_dir() else [p])]
    questions: List[HeldOutQuestion] = []
    problems: List[str] = []
    for path in files:
        try:
            items = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            problems.append(f"{path}: cannot be read ({error})")
            continue
        if not isinstance(items, list):
            problems.append(f"{path}: must be a list of questions, each with 'text' and 'expected'")
            continue
        for number, item in enumerate(items, start=1):
            where = f"{_display(path)} #{number}"
            if not isinstance(item, dict) or not str(item.get("text") or "").strip() or not item.get("expected"):
                problems.append(f"{where}: each question needs a 'text' and an 'expected' answer id")
                continue
            after = item.get("after", [])
            if not isinstance(after, list) or not all(isinstance(a, str) and a.strip() for a in after):
                problems.append(f"{where}: 'after' must be a list of the messages said before the question")
                after = []
            question = HeldOutQuestion(
                str(item["text"]).strip(), str(item["expected"]).strip(), where, tuple(a.strip() for a in after)
            )
            if question.expected not in known:
                problems.append(
                    f"{where}: '{question.expected}' is not an answer of the catalogue (data/responses) "
                    "nor a reply of the domain with an answer_id (domain.yml)"
                )
            questions.append(question)
    problems += _overlaps(questions, catalogue)
    if problems:
        raise TrialFileError(problems)
    return questions


def _overlaps(questions: Sequence[HeldOutQuestion], catalogue: Catalogue) -> List[str]:
    """A question asked twice (a follow-up counts with what it follows), or (nearly) a training example."""
    problems = []
    seen: Dict[str, HeldOutQuestion] = {}
    for question in questions:
        key = " | ".join(normalise(t) for t in (*question.after, question.text))
        if key in seen:
            problems.append(f"{question.source}: asked already at {seen[key].source}")
        seen.setdefault(key, question)
        example = next(
            (
                e
                for e in catalogue.examples
                if near_same(question.text, e.text) or normalise(e.text) == normalise(question.text)
            ),
            None,
        )
        if example is not None:
            problems.append(
                f'{question.source}: "{question.text}" is (nearly) the training example '
                f'"{example.text}" ({_display(example.path)}:{example.line}); a held-out question '
                "must not be in the data"
            )
    return problems


def answer_ids_by_button(catalogue: Catalogue) -> Dict[str, str]:
    """The "Did you mean…?" buttons send an answer's ``metadata.question``: which answer each leads to."""
    return {
        normalise(str(a.metadata["question"])): key
        for key, a in catalogue.answers.items()
        if a.metadata.get("question")
    }


def judge(question: HeldOutQuestion, reply: List[Dict[str, Any]], buttons: Dict[str, str]) -> Verdict:
    """Sort one reply: the first message with an ``answer_id`` is what the patient was given."""
    served = next(
        (
            str(m["metadata"]["answer_id"])
            for m in reply
            if isinstance(m.get("metadata"), dict) and m["metadata"].get("answer_id")
        ),
        "",
    )
    if served == question.expected:
        return Verdict(question, RIGHT, served)
    if served == CLARIFY_ANSWER_ID:
        payloads = [str(b.get("payload") or "") for m in reply for b in m.get("buttons") or []]
        offered = tuple(buttons[normalise(p)] for p in payloads if normalise(p) in buttons)
        return Verdict(question, NOT_SURE, served, offered)
    return Verdict(question, WRONG, served)


def run_trial(
    questions: Iterable[HeldOutQuestion],
    say: Say,
    buttons: Dict[str, str],
    show: Callable[[Verdict], None] = lambda v: None,
) -> List[Verdict]:
    """Ask every question in its own new conversation: first its ``after`` messages, if any, then the question,
    whose reply alone is judged."""
    verdicts = []
    for question in questions:
        sender = f"heldout-{uuid.uuid4().hex[:16]}"
        for earlier in question.after:
            say(sender, earlier)
        verdict = judge(question, say(sender, question.text), buttons)
        show(verdict)
        verdicts.append(verdict)
    return verdicts


def tally_line(verdicts: Sequence[Verdict]) -> str:
    """The console summary, e.g.
    ``trial: 20 questions: 18 right, 2 not sure (1 with the right answer offered), 0 wrong``."""
    counts = Counter(v.outcome for v in verdicts)
    offered = sum(1 for v in verdicts if v.outcome == NOT_SURE and v.expected_offered)
    return (
        f"trial: {len(verdicts)} questions: {counts[RIGHT]} right, {counts[NOT_SURE]} not sure "
        f"({offered} with the right answer offered), {counts[WRONG]} wrong"
    )


def write_csv(verdicts: Sequence[Verdict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["question", "expected", "outcome", "served", "offered", "file", "after"])
        for v in verdicts:
            writer.writerow(
                [
                    v.question.text,
                    v.question.expected,
                    v.outcome,
                    v.served,
                    " ".join(v.offered),
                    v.question.source,
                    " / ".join(v.question.after),
                ]
            )
