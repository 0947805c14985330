"""Ratings of answers: only the fixed forms are kept, with no conversation, no text and no time of day."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from assistant.store import feedback
from assistant.store.feedback import REASONS, Rating, parse_rating, purge_before, record, summary

VERSION = "sha256:" + "0123456789abcdef01234567"
KNOWN = {"cart/what_is", "jacie/what_is"}.__contains__


def message(**payload) -> str:
    return feedback.FEEDBACK_PREFIX + json.dumps(payload)


@pytest.fixture
def engine(tmp_path):
    return sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")


def test_yes_no_and_each_reason_are_read():
    assert parse_rating(message(answer_id="cart/what_is", version=VERSION, helpful=True), KNOWN) == Rating(
        "cart/what_is", VERSION, helpful=True
    )
    assert parse_rating(message(answer_id="cart/what_is", version=VERSION, helpful=False), KNOWN) == Rating(
        "cart/what_is", VERSION, helpful=False
    )
    for reason in REASONS:
        assert parse_rating(message(answer_id="jacie/what_is", version=VERSION, reason=reason), KNOWN) == Rating(
            "jacie/what_is", VERSION, reason=reason
        )


@pytest.mark.parametrize(
    "text",
    [
        "/feedback",
        "/feedback{",
        "/feedback[]",
        "/feedback" + json.dumps({"answer_id": "cart/what_is", "version": VERSION}),
        message(answer_id="cart/what_is", version=VERSION, helpful="yes"),
        message(answer_id="cart/what_is", version=VERSION, helpful=1),
        message(answer_id="cart/what_is", version=VERSION, helpful=True, reason="did_not_answer"),
        message(answer_id="cart/unknown", version=VERSION, helpful=True),
        message(answer_id="Sarah Jones 07700 900123", version=VERSION, helpful=True),
        message(answer_id="cart/what_is", version="sarah@example.com", helpful=True),
        message(answer_id="cart/what_is", version=VERSION, reason="my NHS number is 943 476 5919"),
        message(answer_id="cart/what_is", version=VERSION, helpful=True, note="my name is Sarah"),
        message(answer_id="cart/what_is" + "x" * 10_000, version=VERSION, helpful=True),
    ],
)
def test_anything_but_the_fixed_forms_is_refused(text):
    assert parse_rating(text, KNOWN) is None


def test_a_rating_is_stored_with_the_day_only_and_counted_by_version(engine):
    day = dt.date(2026, 12, 7)
    for rating in [
        Rating("cart/what_is", VERSION, helpful=True),
        Rating("cart/what_is", VERSION, helpful=False),
        Rating("cart/what_is", VERSION, reason="hard_to_understand"),
        Rating("cart/what_is", "sha256:" + "f" * 24, helpful=True),
    ]:
        record(engine, rating, day)
    with engine.connect() as connection:
        columns = [c["name"] for c in sa.inspect(connection).get_columns("answer_ratings")]
    assert columns == ["id", "answer_id", "version", "helpful", "reason", "day"]  # no conversation, text or time
    rows = summary(engine)
    assert rows[0] == {
        "answer_id": "cart/what_is",
        "version": VERSION,
        "yes": 1,
        "no": 1,
        "hard_to_understand": 1,
        "did_not_answer": 0,
        "something_else": 0,
    }
    assert (rows[1]["version"], rows[1]["yes"]) == ("sha256:" + "f" * 24, 1)


def test_ratings_older_than_the_retention_period_are_purged(engine):
    record(engine, Rating("cart/what_is", VERSION, helpful=True), dt.date(2026, 10, 1))
    record(engine, Rating("cart/what_is", VERSION, helpful=False), dt.date(2026, 12, 1))
    assert purge_before(engine, dt.date(2026, 11, 7)) == 1
    assert [(r["yes"], r["no"]) for r in summary(engine)] == [(0, 1)]
