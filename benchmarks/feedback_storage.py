"""``make bench-feedback``: what patients' ratings of answers cost on disk, and how long the staff figures take
to read.

Inserts ``--rows`` ratings (default 10,000: yes, no and each reason, over 40 answers, 3 versions each and 30 days)
into the ``answer_ratings`` table (:mod:`assistant.store.feedback`) of a new SQLite database, the way the turn gate
stores them (one short transaction per rating), and prints the database file's size before and after, the bytes
per rating (the table and its two indexes, after ``VACUUM``), the time per stored rating and the time of the
grouped read the figures make (:func:`assistant.store.feedback.counts`). Nothing is asserted: the figures are
for the issue's notes and ``docs/`` (one machine, one run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import List, Optional

import sqlalchemy as sa

from assistant.store import feedback
from assistant.store.feedback import REASONS, Rating


def ratings(count: int, seed: int = 31) -> List[tuple]:
    pick = random.Random(seed)
    today = dt.date(2026, 12, 7)
    made = []
    for _ in range(count):
        answer = f"topic_{pick.randrange(8)}/answer_{pick.randrange(5)}"
        version = "sha256:" + "%024x" % pick.randrange(3)
        kind = pick.random()
        if kind < 0.6:
            rating = Rating(answer, version, helpful=True)
        elif kind < 0.85:
            rating = Rating(answer, version, helpful=False)
        else:
            rating = Rating(answer, version, reason=pick.choice(REASONS))
        made.append((rating, today - dt.timedelta(days=pick.randrange(30))))
    return made


def measure(rows: int, folder: Path) -> dict:
    path = folder / "ratings.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    feedback.create_table(engine)
    empty = path.stat().st_size
    made = ratings(rows)
    started = time.perf_counter()
    for rating, day in made:
        feedback.record(engine, rating, day)
    per_insert_ms = (time.perf_counter() - started) * 1000 / rows
    started = time.perf_counter()
    grouped = feedback.counts(engine)
    read_ms = (time.perf_counter() - started) * 1000
    engine.dispose()
    written = path.stat().st_size
    with sqlite3.connect(path) as connection:
        connection.execute("VACUUM")
        table_bytes = None
        try:  # the dbstat table, when SQLite was built with it: the bytes of the table and its indexes alone
            table_bytes = connection.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name IN ('answer_ratings', 'ix_answer_ratings_answer_id', "
                "'ix_answer_ratings_day')"
            ).fetchone()[0]
        except sqlite3.OperationalError:
            pass
    compact = path.stat().st_size
    return {
        "rows": rows,
        "empty_db_bytes": empty,
        "db_bytes_after_inserts": written,
        "db_bytes_after_vacuum": compact,
        "bytes_per_rating": round((compact - empty) / rows, 1),
        "table_and_index_bytes_per_rating": round(table_bytes / rows, 1) if table_bytes else None,
        "grouped_rows": len(grouped),
        "insert_ms_per_rating": round(per_insert_ms, 3),
        "grouped_read_ms": round(read_ms, 1),
    }


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        result = measure(args.rows, Path(folder))
    print("\n".join(f"{key}: {value}" for key, value in result.items()))
    print(
        f"bench-feedback: rows={result['rows']} bytes_per_rating={result['bytes_per_rating']} "
        f"db_bytes={result['db_bytes_after_vacuum']} insert_ms={result['insert_ms_per_rating']} "
        f"read_ms={result['grouped_read_ms']}"
    )


if __name__ == "__main__":
    main()
