"""An answer's example questions in ``data/nlu``: list, add, move and remove, with a warning for near twins and
a refusal for personal details.

Why a warning: the question matcher learns each answer from its examples; an example that reads like another
answer's teaches it to confuse the two (the content check flags the same pairs, with the same threshold:
:meth:`assistant.content.rules.ContentChecker.check_shared_examples`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from assistant.console import yamlio
from assistant.content.catalogue import Catalogue
from assistant.content.similarity import near_same, normalise, similarity_matrix
from assistant.content.watched import yaml_files
from assistant.privacy.redaction import redact

SIMILAR = 0.6  # the content check's threshold for examples under two answers
MAX_CHARACTERS = 1000  # the longest message a patient can send


class ExampleError(ValueError):
    """An example the console will not add (the message says why, in the words of ``messages.yml``)."""


@dataclass(frozen=True)
class Near:
    """An example of another answer that reads like the new one."""

    key: str
    text: str
    score: float
    identical: bool  # the same words once case and punctuation are set aside: the content check's error


_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")


def holds_personal_data(text: str) -> bool:
    """Whether the redaction the conversation store uses would hide something in ``text`` (a name, a phone
    number, an NHS number, a date of birth...): an example question must never carry a real patient's details."""
    return len(_PLACEHOLDER.findall(redact(text))) > len(_PLACEHOLDER.findall(text))


def clean(text: str) -> str:
    """One line, single spaces."""
    return " ".join(str(text).split())


def near_others(text: str, key: str, catalogue: Catalogue, limit: int = 3) -> List[Near]:
    """The examples of other answers the content check would flag beside ``text``, closest first: the same
    question (an error there) or the same but for filler words, order or a small typo (a warning there)."""
    others = [e for e in catalogue.examples if e.key != key]
    if not others or not clean(text):
        return []
    matrix = similarity_matrix([text] + [e.text for e in others])
    found = []
    for index, example in enumerate(others, start=1):
        score = float(matrix[0, index])
        if score >= SIMILAR:
            identical = normalise(text) == normalise(example.text)
            if identical or near_same(text, example.text):
                found.append(Near(example.key, example.text, score, identical))
    return sorted(found, key=lambda n: -n.score)[:limit]


def _find(nlu_dir: Path, key: str) -> Tuple[Optional[Path], object, Optional[CommentedMap]]:
    for path in yaml_files(nlu_dir):
        document = yamlio.load(path)
        for item in (document or {}).get("nlu") or []:
            if isinstance(item, CommentedMap) and str(item.get("intent", "")) == key:
                return path, document, item
    return None, None, None


def _lines(item: CommentedMap) -> List[str]:
    return [line.strip()[2:].strip() for line in str(item.get("examples") or "").splitlines() if line.strip()]


def _set(item: CommentedMap, examples: List[str]) -> None:
    item["examples"] = yamlio.literal("".join(f"- {e}\n" for e in examples))


def examples_of(nlu_dir: Path, key: str) -> List[str]:
    _, _, item = _find(nlu_dir, key)
    return _lines(item) if item is not None else []


def add(nlu_dir: Path, key: str, text: str) -> Tuple[List[str], List[str]]:
    """Add ``text`` under ``key`` (in the topic's file, creating the intent when it has none); (before, after)."""
    text = clean(text)
    if not text or len(text) > MAX_CHARACTERS or text.startswith(("-", "#")):
        raise ExampleError("example_invalid")
    if holds_personal_data(text):
        raise ExampleError("example_personal")
    path, document, item = _find(nlu_dir, key)
    if item is None:
        path = nlu_dir / f"{key.split('/', 1)[0]}.yml"
        if not path.exists():
            raise ExampleError("example_no_file")
        document = yamlio.load(path)
        entries = document.setdefault("nlu", CommentedSeq())
        item = CommentedMap(intent=key, examples=yamlio.literal(""))
        entries.append(item)
    before = _lines(item)
    if any(normalise(e) == normalise(text) for e in before):
        raise ExampleError("example_duplicate")
    _set(item, [*before, text])
    assert path is not None
    yamlio.write(path, document)
    return before, _lines(item)


def remove(nlu_dir: Path, key: str, text: str) -> Tuple[List[str], List[str]]:
    path, document, item = _find(nlu_dir, key)
    if item is None or path is None or text not in _lines(item):
        raise ExampleError("example_missing")
    before = _lines(item)
    if len(before) == 1:
        raise ExampleError("example_last")
    _set(item, [e for e in before if e != text])
    yamlio.write(path, document)
    return before, _lines(item)
