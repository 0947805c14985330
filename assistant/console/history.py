"""The console's history: every save, sign-off, publish and restore, with who, when, before and after.

Why hash-chained: the history is the evidence of who changed and who approved what patients read (the PIF TICK
asks for an accountable production process). The console only ever appends; each row carries the hash of the
row before it and of its own content, so a row edited, removed or inserted in the database afterwards breaks the
chain, and :func:`verify_chain` (shown on the history page) says where.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, List, Optional

import sqlalchemy as sa

from assistant.settings import settings

SAVE, SIGN_OFF, PUBLISH, RESTORE = "save", "sign-off", "publish", "restore"
# An unanswered question's group marked as needing a new answer, and the mark undone (assistant/console/unanswered.py)
MARK, UNMARK = "needs new answer", "mark undone"
ACTIONS = (SAVE, SIGN_OFF, PUBLISH, RESTORE, MARK, UNMARK)
GENESIS = "0" * 64

_metadata = sa.MetaData()
history_table = sa.Table(
    "console_history",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("username", sa.String(100), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("text_key", sa.String(200), nullable=False, index=True),
    sa.Column("before", sa.Text, nullable=False),  # JSON
    sa.Column("after", sa.Text, nullable=False),  # JSON
    # Unique: two consoles appending at once cannot both follow the same row (the second retries on the new end).
    sa.Column("previous_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("hash", sa.String(64), nullable=False),
)


@dataclass(frozen=True)
class Entry:
    id: int
    at: float
    username: str
    role: str
    action: str
    text_key: str
    before: Any
    after: Any
    previous_hash: str
    hash: str


@lru_cache(maxsize=8)
def engine(url: str = "") -> sa.engine.Engine:
    created = sa.create_engine(url or settings().content_db_url, pool_pre_ping=True, future=True)
    _metadata.create_all(created)
    return created


def _digest(previous: str, at: float, username: str, role: str, action: str, key: str, before: str, after: str) -> str:
    canonical = json.dumps([previous, repr(at), username, role, action, key, before, after], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _entry(row: Any) -> Entry:
    return Entry(
        row.id,
        row.at,
        row.username,
        row.role,
        row.action,
        row.text_key,
        json.loads(row.before),
        json.loads(row.after),
        row.previous_hash,
        row.hash,
    )


def append(username: str, role: str, action: str, key: str, before: Any, after: Any, url: str = "") -> Entry:
    """Add one row at the end of the chain; two writers racing for the same end: the second tries again."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    for attempt in range(5):
        try:
            return _append(username, role, action, key, before, after, url)
        except sa.exc.IntegrityError:
            if attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _append(username: str, role: str, action: str, key: str, before: Any, after: Any, url: str) -> Entry:
    before_json = json.dumps(before, ensure_ascii=False, sort_keys=True, default=str)
    after_json = json.dumps(after, ensure_ascii=False, sort_keys=True, default=str)
    with engine(url).begin() as connection:
        last = connection.execute(sa.select(history_table.c.hash).order_by(history_table.c.id.desc()).limit(1)).scalar()
        previous = last or GENESIS
        at = time.time()
        digest = _digest(previous, at, username, role, action, key, before_json, after_json)
        result = connection.execute(
            history_table.insert().values(
                at=at,
                username=username,
                role=role,
                action=action,
                text_key=key,
                before=before_json,
                after=after_json,
                previous_hash=previous,
                hash=digest,
            )
        )
        number = int(result.inserted_primary_key[0])
    return Entry(number, at, username, role, action, key, before, after, previous, digest)


def entries(key: Optional[str] = None, limit: int = 200, url: str = "") -> List[Entry]:
    """The latest rows, newest first (of one text when ``key`` is given)."""
    query = sa.select(history_table).order_by(history_table.c.id.desc()).limit(limit)
    if key is not None:
        query = query.where(history_table.c.text_key == key)
    with engine(url).connect() as connection:
        return [_entry(row) for row in connection.execute(query)]


def entries_under(prefix: str, limit: int = 5000, url: str = "") -> List[Entry]:
    """The latest rows whose key starts with ``prefix``, newest first."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = (
        sa.select(history_table)
        .where(history_table.c.text_key.like(f"{escaped}%", escape="\\"))
        .order_by(history_table.c.id.desc())
        .limit(limit)
    )
    with engine(url).connect() as connection:
        return [_entry(row) for row in connection.execute(query)]


def find(number: int, url: str = "") -> Optional[Entry]:
    with engine(url).connect() as connection:
        row = connection.execute(sa.select(history_table).where(history_table.c.id == number)).first()
    return _entry(row) if row else None


def authors_since_sign_off(key: str, url: str = "") -> List[str]:
    """Who saved or restored ``key`` since its last sign-off: none of them may sign this version off."""
    authors: List[str] = []
    for entry in entries(key, limit=1000, url=url):
        if entry.action == SIGN_OFF:
            break
        if entry.action in (SAVE, RESTORE) and entry.username not in authors:
            authors.append(entry.username)
    return authors


def verify_chain(url: str = "") -> Optional[int]:
    """The id of the first row that does not match the chain, or None when the whole history is intact."""
    previous = GENESIS
    with engine(url).connect() as connection:
        for row in connection.execute(sa.select(history_table).order_by(history_table.c.id)):
            expected = _digest(
                previous, row.at, row.username, row.role, row.action, row.text_key, row.before, row.after
            )
            if row.previous_hash != previous or row.hash != expected:
                return int(row.id)
            previous = row.hash
    return None
