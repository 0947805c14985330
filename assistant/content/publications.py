"""Published content: the approved content files as one snapshot, kept in a database every replica reads.

Why: staff edit and sign off in the console (``assistant/console``), which writes the repository's YAML files
(the source of truth the digital team reviews in git). Patients are served what was last *published*: a
publication holds the text of every content file the running assistant reads (:data:`PUBLISHED_FILES`) at the
moment someone pressed Publish, with who and when. The Rasa servers, however many replicas and wherever they
run, poll the latest publication's number and write its files into their own served folder, where the watched
files take them up (``assistant/server/published_content.py``): no restart, no shared disk, only the database
(SQLite on one machine, PostgreSQL for several: ``content_db_url`` in ``assistant/settings.py``).

Publications are never changed or deleted: together with the console's history they show what patients could be
told, and when.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import sqlalchemy as sa

from assistant.settings import ROOT, settings

# What a publication holds, relative to the project's folder: the answers, the example questions and the
# staff-owned files the running servers read while they run (word lists of the safety components and rules are
# part of the trained model instead, released with it).
PUBLISHED_FILES = (
    "data/responses/*.yml",
    "data/nlu/*.yml",
    "content/contacts.yml",
    "content/system_messages.yml",
    "content/sources.yml",
    "content/other_languages.yml",
    "content/widget_texts.yml",
)

_metadata = sa.MetaData()
publications_table = sa.Table(
    "content_publications",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("published_at", sa.Float, nullable=False),
    sa.Column("published_by", sa.String(200), nullable=False),
    sa.Column("note", sa.String(500), nullable=False, default=""),
    sa.Column("files", sa.Text, nullable=False),  # JSON: {relative path: file text}
)


@dataclass(frozen=True)
class Publication:
    number: int
    published_at: float
    published_by: str
    note: str
    files: Dict[str, str]


@lru_cache(maxsize=4)
def engine(url: str = "") -> sa.engine.Engine:
    """The content database (``content_db_url``), with the publications table created if missing."""
    created = sa.create_engine(url or settings().content_db_url, pool_pre_ping=True, future=True)
    _metadata.create_all(created)
    return created


def snapshot(root: Path = ROOT) -> Dict[str, str]:
    """The text of every published file as it is now under ``root``."""
    files: Dict[str, str] = {}
    for pattern in PUBLISHED_FILES:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    return files


def publish(files: Dict[str, str], published_by: str, note: str = "", url: str = "") -> int:
    """Store a new publication; its number (the servers take it up within seconds)."""
    with engine(url).begin() as connection:
        result = connection.execute(
            publications_table.insert().values(
                published_at=time.time(), published_by=published_by, note=note, files=json.dumps(files)
            )
        )
        return int(result.inserted_primary_key[0])


def latest_number(url: str = "") -> int:
    """The number of the latest publication (0 when nothing was ever published): one cheap query."""
    with engine(url).connect() as connection:
        return int(connection.execute(sa.select(sa.func.max(publications_table.c.id))).scalar() or 0)


def load(number: int, url: str = "") -> Optional[Publication]:
    with engine(url).connect() as connection:
        row = connection.execute(sa.select(publications_table).where(publications_table.c.id == number)).first()
    if row is None:
        return None
    return Publication(row.id, row.published_at, row.published_by, row.note, json.loads(row.files))


def listing(limit: int = 50, url: str = "") -> List[Publication]:
    """The latest publications, newest first, without their files."""
    columns = [publications_table.c[name] for name in ("id", "published_at", "published_by", "note")]
    query = sa.select(*columns).order_by(publications_table.c.id.desc()).limit(limit)
    with engine(url).connect() as connection:
        return [Publication(r.id, r.published_at, r.published_by, r.note, {}) for r in connection.execute(query)]
