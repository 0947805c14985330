"""The approved answers as they are now in the served answers folder, read again when staff publish a change.

Why: changing an answer's wording must not wait for a retrain. The trained model only decides *which* answer
fits (by its id, ``utter_cart/what_is``); the text a patient receives is taken from the content files at that
moment (a watched folder, :mod:`assistant.content.watched`).

An edit is served only if it passes the content check's errors for that answer (banned phrase, link off the
allow-list, typed phone number, unknown placeholder, broken metadata); otherwise the answer's last good version
stays live and the problem is logged. A file that cannot be read keeps its answers' last good versions; an
answer missing from the files falls back to the text the model was trained with.

The folder is ``responses_dir`` under ``nlg:`` in ``endpoints.yml``, else ``responses_dir`` in
``assistant/settings.py`` (``data/responses``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from assistant.content.catalogue import read_answers
from assistant.content.dates import today_uk
from assistant.content.rules import ContentChecker
from assistant.content.watched import Watched, yaml_files

logger = logging.getLogger(__name__)

Responses = Dict[str, List[Dict[str, Any]]]


@dataclass(frozen=True)
class LiveResponses:
    """The answers fit to show, by file (so a file that breaks keeps its own last good answers) and merged."""

    by_file: Dict[str, Responses] = field(default_factory=dict)

    @property
    def merged(self) -> Responses:
        merged: Responses = {}
        for responses in self.by_file.values():
            merged.update(responses)
        return merged


def servable_answers(directory: Path, previous: Optional[LiveResponses]) -> LiveResponses:
    """Every answer of the folder fit to show; an answer whose edit has errors keeps its previous version (or
    the model's text), and a file that cannot be read keeps all of its previous answers."""
    before = previous.by_file if previous else {}
    by_file: Dict[str, Responses] = {}
    checker = ContentChecker.for_single_answers(today_uk())
    for path in yaml_files(directory):
        old = before.get(str(path), {})
        answers, error = read_answers(path)
        if error is not None:
            logger.error(
                "Content file %s:%s cannot be read (%s); serving its last good version", path, error.line, error.message
            )
            by_file[str(path)] = old
            continue
        responses: Responses = {}
        for answer in answers:
            name = f"utter_{answer.key}"
            errors = checker.answer_errors(answer)
            if not errors:
                responses[name] = [answer.response]
                continue
            logger.error(
                "Not serving the edit of %s (%s:%s): %s",
                answer.key,
                answer.path,
                answer.line,
                "; ".join(f.message for f in errors),
            )
            if name in old:
                responses[name] = old[name]
        by_file[str(path)] = responses
    return LiveResponses(by_file)


def live_answers(directory: Path) -> Watched[LiveResponses]:
    """The answers of ``directory`` as they are now (cheap when nothing changed: one ``stat`` per file)."""
    return Watched(directory, lambda previous: servable_answers(directory, previous), name=f"answers in {directory}")
