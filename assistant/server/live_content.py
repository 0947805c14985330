"""The approved answers as they are now in ``data/responses/``, re-read when staff save a change.

Why: changing an answer's wording must not wait for a retrain (7–15 minutes here). The trained model
only decides *which* answer fits (by its id, ``utter_cart/what_is``); the text a patient receives is
taken from the content files at that moment. A file is re-read when its modification time changes.

An edit is served only if it passes the content check's errors for that answer (banned phrase, link
off the allow-list, typed phone number, unknown placeholder, broken metadata); otherwise the answer's
last good version stays live and the problem is logged. A file broken by an edit keeps its last good
version; an answer missing from the files falls back to the text the model was trained with.

The content directory is ``responses_dir`` under ``nlg:`` in ``endpoints.yml``, else
``$CONTENT_RESPONSES_DIR``, else ``data/responses``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List

from assistant.content.catalogue import Answer, read_answers, today_uk, yaml_files
from assistant.content.rules import ContentChecker

logger = logging.getLogger(__name__)

Responses = Dict[str, List[Dict[str, Any]]]


@dataclass
class _FileState:
    mtime: float
    responses: Responses


@dataclass
class LiveAnswers:
    """``utter_<topic>/<name>`` → [response] from the content files, reloaded when a file changes."""

    directory: Path
    _files: Dict[Path, _FileState] = field(default_factory=dict)
    _merged: Responses = field(default_factory=dict)

    @staticmethod
    def _servable(answers: List[Answer], previous: Responses) -> Responses:
        """The answers fit to show: an edit with errors keeps the previous version (or the model's text)."""
        responses: Responses = {}
        checker = ContentChecker.for_single_answers(today_uk())
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
            if name in previous:
                responses[name] = previous[name]
        return responses

    def current(self) -> Responses:
        """The answers now on disk (cheap when nothing changed: one ``stat`` per file)."""
        paths = yaml_files(self.directory)
        changed = set(self._files) != set(paths)
        for path in paths:
            try:
                mtime = path.stat().st_mtime
            except OSError:
                continue
            state = self._files.get(path)
            if state is not None and state.mtime == mtime:
                continue
            changed = True
            answers, error = read_answers(path)
            if error is not None:
                logger.error(
                    "Content file %s:%s cannot be read after an edit (%s); serving its last good version",
                    path,
                    error.line,
                    error.message,
                )
                self._files[path] = _FileState(mtime, state.responses if state else {})
                continue
            self._files[path] = _FileState(mtime, self._servable(answers, state.responses if state else {}))
            if state is not None:
                logger.info("Reloaded answers from %s", path)
        for gone in set(self._files) - set(paths):
            del self._files[gone]
        if changed:
            merged: Responses = {}
            for state in self._files.values():
                merged.update(state.responses)
            self._merged = merged
        return self._merged
