"""``make bench-feedback``: what patients' ratings of answers cost on disk, and how long the staff figures take
to read.

Inserts ``--rows`` ratings (default 10,000: yes, no and each reason, over 40 answers, 3 versions each and 30 days)
into the ``answer_ratings`` table (:mod:`assistant.store.feedback`) of a new SQLite database, the way the turn gate
stores them (one short transaction per rating), and prints the database file's size before and after, the bytes
per rating (the table and its two indexes, after ``VACUUM``), the time per stored rating and the time of the
grouped read the figures make (:func:`assistant.store.feedback.counts`); then the seconds the staff figures' read
layer takes over ``--conversations`` synthetic conversations of five turns (the console keeps a read for a
minute: :mod:`assistant.console.figures_cache`). Nothing is asserted: the figures are
for the issue's notes and ``docs/`` (one machine, one run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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


def conversation_events(sender: int, start: float) -> List[dict]:
    """Five turns of one synthetic conversation, as the redacting store writes them."""
    events: List[dict] = []
    for turn in range(5):
        stamp = start + turn * 30
        answer = f"topic_{(sender + turn) % 8}/answer_{turn}"
        parse = {"intent": {"name": "cart", "confidence": 0.93}, "entities": [], "text": "what is car t"}
        events += [
            {"event": "user", "timestamp": stamp, "text": "what is car t", "parse_data": parse},
            {"event": "action", "timestamp": stamp + 0.1, "name": "utter_cart"},
            {
                "event": "bot",
                "timestamp": stamp + 0.2,
                "text": "CAR-T is a treatment… " * 20,
                "metadata": {"utter_action": f"utter_{answer}", "metadata": {"answer_id": answer, "version": "v"}},
            },
            {"event": "action", "timestamp": stamp + 0.3, "name": "action_listen"},
        ]
    return events


def measure_read(conversations: int, folder: Path) -> dict:
    """Seconds for the staff figures' read (:class:`assistant.staff.figures.Reader`) of ``conversations``."""
    from rasa.core.tracker_store import SQLTrackerStore

    from assistant.staff.figures import WEEK, Reader, answer_versions, impact

    db = folder / "tracker.db"
    store = SQLTrackerStore(dialect="sqlite", db=str(db))
    table = store.SQLEvent.__table__
    start = time.time() - 20 * 86400
    rows = [
        {"sender_id": f"c{n}", "type_name": e["event"], "timestamp": e["timestamp"], "data": json.dumps(e)}
        for n in range(conversations)
        for e in conversation_events(n, start + n * 60)
    ]
    with store.engine.begin() as connection:
        connection.execute(table.insert(), rows)
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{db}"\n', encoding="utf-8")
    reader = Reader(endpoints)
    _ = reader.store  # made once: the console keeps it
    started = time.perf_counter()
    data = reader.read()
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    impact(data, WEEK)
    answer_versions(data)
    figures_s = time.perf_counter() - started
    return {
        "conversations": conversations,
        "events": len(rows),
        "tracker_db_bytes": db.stat().st_size,
        "read_s": round(read_s, 2),
        "figures_s": round(figures_s, 3),
    }


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--conversations", type=int, default=2_000, help="for the read time (0: skip)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        result = measure(args.rows, Path(folder))
        if args.conversations:
            result.update({f"figures_{k}": v for k, v in measure_read(args.conversations, Path(folder)).items()})
    print("\n".join(f"{key}: {value}" for key, value in result.items()))
    print(
        f"bench-feedback: rows={result['rows']} bytes_per_rating={result['bytes_per_rating']} "
        f"db_bytes={result['db_bytes_after_vacuum']} insert_ms={result['insert_ms_per_rating']} "
        f"read_ms={result['grouped_read_ms']}"
    )


if __name__ == "__main__":
    main()
