"""Patients' ratings of answers ("Was this answer helpful?"), kept without anything that could identify them.

Why a table of its own, beside the conversations: a rating says which answer it is about (its id and the
fingerprint of the text that was shown, :func:`assistant.content.versions.text_version`, so a rewording can be
judged), yes or no, or a reason from a fixed list, and the day. No conversation id, no message text, no time of
day: nothing in a row links back to a person or to their conversation, and nothing a patient types can reach it
(every value is checked against a fixed form). Rows are deleted after the same retention period as the
conversations (:meth:`assistant.store.redacting.RedactingSQLTrackerStore.purge_older_than`). The table lives in
the conversation store's database (SQLite or PostgreSQL), so the purge and ``make insights`` reach it the same
way.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Set

import sqlalchemy as sa

# The message a client sends to rate an answer: "/feedback" and a JSON object (docs/widget.md). Rasa never sees
# it: the turn gate records it and answers itself.
FEEDBACK_PREFIX = "/feedback"
# The reasons a patient may give after "No": fixed choices, never free text (nothing personal can be typed).
REASONS = ("hard_to_understand", "did_not_answer", "something_else")
ANSWER_ID = re.compile(r"[a-z][a-z0-9_]{0,39}/[a-z0-9_]{1,60}")
VERSION = re.compile(r"sha256:[0-9a-f]{24}")

_metadata = sa.MetaData()
RATINGS = sa.Table(
    "answer_ratings",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("answer_id", sa.String(100), nullable=False, index=True),
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column("helpful", sa.Boolean, nullable=True),  # empty on a row that gives a reason after "No"
    sa.Column("reason", sa.String(40), nullable=True),
    sa.Column("day", sa.Date, nullable=False, index=True),
)


@dataclass(frozen=True)
class Rating:
    """One tap in the widget: "Yes" or "No" (``helpful``), or a reason chosen after "No" (``reason``)."""

    answer_id: str
    version: str
    helpful: Optional[bool] = None
    reason: Optional[str] = None


def is_feedback(text: Any) -> bool:
    """Whether a client's message is a rating rather than a question."""
    return isinstance(text, str) and text.startswith(FEEDBACK_PREFIX)


def parse_rating(text: str, is_answer: Callable[[str], bool]) -> Optional[Rating]:
    """The rating in a ``/feedback{...}`` message, or None if it is not exactly one of the allowed forms:
    ``{"answer_id", "version", "helpful": true|false}`` or ``{"answer_id", "version", "reason": <one of REASONS>}``
    about an answer the assistant has (``is_answer``)."""
    try:
        payload = json.loads(text[len(FEEDBACK_PREFIX) :])
    except ValueError:
        return None
    if not isinstance(payload, dict) or set(payload) not in ({"answer_id", "version", "helpful"},
                                                            {"answer_id", "version", "reason"}):  # fmt: skip
        return None
    answer_id, version = payload["answer_id"], payload["version"]
    if not (isinstance(answer_id, str) and ANSWER_ID.fullmatch(answer_id) and is_answer(answer_id)):
        return None
    if not (isinstance(version, str) and VERSION.fullmatch(version)):
        return None
    if "helpful" in payload:
        return Rating(answer_id, version, helpful=payload["helpful"]) if isinstance(payload["helpful"], bool) else None
    return Rating(answer_id, version, reason=payload["reason"]) if payload["reason"] in REASONS else None


_created: Set[str] = set()
_creating = threading.Lock()


def _ready(engine: sa.engine.Engine) -> sa.engine.Engine:
    """The engine, with the ratings table made if missing (once per database, whatever the threads)."""
    key = engine.url.render_as_string(hide_password=False)
    if key not in _created:
        with _creating:
            if key not in _created:
                _metadata.create_all(engine, tables=[RATINGS], checkfirst=True)
                _created.add(key)
    return engine


def create_table(engine: sa.engine.Engine) -> None:
    """Make the ratings table now (the conversation store does at start-up, before any turn)."""
    _ready(engine)


def record(engine: sa.engine.Engine, rating: Rating, day: dt.date) -> None:
    """Store one rating, with the day only."""
    with _ready(engine).begin() as connection:
        row = {"answer_id": rating.answer_id, "version": rating.version, "helpful": rating.helpful}
        connection.execute(RATINGS.insert().values(**row, reason=rating.reason, day=day))


def purge_before(engine: sa.engine.Engine, day: dt.date) -> int:
    """Delete the ratings given before ``day``; returns how many."""
    with _ready(engine).begin() as connection:
        return int(connection.execute(RATINGS.delete().where(RATINGS.c.day < day)).rowcount or 0)


def summary(engine: sa.engine.Engine, since: Optional[dt.date] = None) -> List[Dict[str, Any]]:
    """Per answer and version: how many said yes, no, and each reason (most rated first)."""
    columns = [
        sa.func.sum(sa.case((RATINGS.c.helpful.is_(True), 1), else_=0)).label("yes"),
        sa.func.sum(sa.case((RATINGS.c.helpful.is_(False), 1), else_=0)).label("no"),
        *(sa.func.sum(sa.case((RATINGS.c.reason == reason, 1), else_=0)).label(reason) for reason in REASONS),
    ]
    query = sa.select(RATINGS.c.answer_id, RATINGS.c.version, *columns).group_by(RATINGS.c.answer_id, RATINGS.c.version)
    if since is not None:
        query = query.where(RATINGS.c.day >= since)
    with _ready(engine).connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(query)]
    for row in rows:
        for key in ("yes", "no", *REASONS):
            row[key] = int(row[key] or 0)
    return sorted(rows, key=lambda row: (-(row["yes"] + row["no"]), row["answer_id"], row["version"]))


def counts(engine: sa.engine.Engine, since: Optional[dt.date] = None) -> List[Dict[str, Any]]:
    """How many ratings of each kind (yes, no or a reason) each answer's version got each day."""
    number = sa.func.count().label("count")
    keys = [RATINGS.c.answer_id, RATINGS.c.version, RATINGS.c.day, RATINGS.c.helpful, RATINGS.c.reason]
    query = sa.select(*keys, number).group_by(*keys).order_by(*keys)
    if since is not None:
        query = query.where(RATINGS.c.day >= since)
    with _ready(engine).connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(query)]
    for row in rows:
        row["count"] = int(row["count"])
        row["helpful"] = None if row["helpful"] is None else bool(row["helpful"])
    return rows
