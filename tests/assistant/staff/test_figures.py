"""The staff figures' read layer: turns and ratings read together from one store, answers counted per version of
their wording, and the impact figures per week and month."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List

import pytest

from assistant.content.opening_hours import UK_TZ
from assistant.staff import charts
from assistant.staff.figures import (
    MONTH,
    WEEK,
    RatingCount,
    Reader,
    StaffData,
    answer_versions,
    impact,
    impact_rows,
    period_label,
    period_start,
    turns_from_events,
)
from assistant.store import feedback
from assistant.store.feedback import Rating
from tests.conftest import PROJECT_ROOT

V1, V2 = "sha256:" + "1" * 24, "sha256:" + "2" * 24
MON_23_NOV = dt.datetime(2026, 11, 23, 10, 0, tzinfo=UK_TZ)


def at(day: dt.date, hour: int = 10) -> float:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=UK_TZ).timestamp()


def asked(day: dt.date, text: str, intent: str = "cart", *actions: str, answer: str = "", version: str = V1) -> List:
    """One patient message and what the assistant did, as stored events."""
    stamp = at(day)
    events: List[Dict[str, Any]] = [
        {
            "event": "user",
            "timestamp": stamp,
            "text": text,
            "parse_data": {"intent": {"name": intent, "confidence": 0.9}},
        }
    ]
    events += [{"event": "action", "timestamp": stamp + 0.1, "name": name} for name in actions]
    if answer:
        meta = {"utter_action": f"utter_{answer}", "metadata": {"answer_id": answer, "version": version}}
        events.append({"event": "bot", "timestamp": stamp + 0.2, "text": "…", "metadata": meta})
    if "utter_urgent_help" in actions:
        meta = {"utter_action": "utter_urgent_help", "metadata": {"answer_id": "urgent_help"}}
        events.append({"event": "bot", "timestamp": stamp + 0.2, "text": "…", "metadata": meta})
    return events


D = dt.date
CONVERSATIONS = {
    # week of Mon 23 Nov (November)
    "a": [
        *asked(D(2026, 11, 23), "what is car t", "cart", "utter_cart", answer="cart/what_is", version=V1),
        *asked(D(2026, 11, 23), "blorp", "nlu_fallback", "utter_clarify"),
        *asked(D(2026, 11, 24), "I have a fever of 39", "urgent_symptom", "utter_urgent_help"),
    ],
    "b": [
        *asked(D(2026, 11, 25), "what's car-t", "cart", "utter_cart", answer="cart/what_is", version=V1),
        *asked(D(2026, 11, 25), "talk to a person", "handoff", "action_handoff"),
    ],
    # week of Mon 30 Nov: 30 Nov in November, 1 Dec in December
    "c": [
        *asked(D(2026, 11, 30), "what is car t therapy", "cart", "utter_cart", answer="cart/what_is", version=V2),
        *asked(D(2026, 12, 1), "how long in hospital", "cart", "utter_cart", answer="cart/hospital_stay"),
    ],
    # nothing in the week of 7 Dec; the week of 14 Dec
    "d": [*asked(D(2026, 12, 14), "what is car t", "cart", "utter_cart", answer="cart/what_is", version=V2)],
}
RATINGS = [
    RatingCount("cart/what_is", V1, D(2026, 11, 24), True, None, 3),
    RatingCount("cart/what_is", V1, D(2026, 11, 24), False, None, 1),
    RatingCount("cart/what_is", V1, D(2026, 11, 24), None, "hard_to_understand", 1),
    RatingCount("cart/what_is", V2, D(2026, 12, 2), True, None, 1),
    RatingCount("cart/what_is", V2, D(2026, 12, 2), False, None, 1),
    RatingCount("cart/what_is", V2, D(2026, 12, 2), None, "did_not_answer", 1),
]


def data() -> StaffData:
    turns = [t for sender, events in CONVERSATIONS.items() for t in turns_from_events(sender, events)]
    return StaffData(turns, RATINGS, len(CONVERSATIONS))


def test_an_answer_is_counted_per_version_shown_and_rated():
    versions = answer_versions(data())
    what_is = {v.version: v for v in versions["cart/what_is"]}
    assert [v.version for v in versions["cart/what_is"]] == [V2, V1]  # most recently seen first
    assert (what_is[V1].shown, what_is[V1].yes, what_is[V1].no, what_is[V1].reasons["hard_to_understand"]) == (
        2,
        3,
        1,
        1,
    )
    assert (what_is[V2].shown, what_is[V2].yes, what_is[V2].no, what_is[V2].reasons) == (
        2,
        1,
        1,
        {"hard_to_understand": 0, "did_not_answer": 1, "something_else": 0},
    )
    assert [(v.version, v.shown, v.yes) for v in versions["cart/hospital_stay"]] == [(V1, 1, 0)]


def test_impact_per_week_counts_each_figure_and_fills_the_weeks_between():
    weeks = impact(data(), WEEK)
    assert [w.label for w in weeks] == ["w/c 23 Nov 2026", "w/c 30 Nov 2026", "w/c 7 Dec 2026", "w/c 14 Dec 2026"]
    first, second, empty, last = weeks
    assert (first.conversations, first.questions, first.answered, first.not_sure) == (2, 5, 2, 1)
    assert (first.handoffs, first.urgent_help, first.helpful_yes, first.helpful_no) == (1, 1, 3, 1)
    assert first.not_sure_rate == 20.0 and first.helpful_rate == 75.0
    assert first.top_answers == [("cart/what_is", 2)]
    assert (second.conversations, second.answered, second.helpful_rate) == (1, 2, 50.0)
    assert second.top_answers == [("cart/hospital_stay", 1), ("cart/what_is", 1)]
    assert (empty.conversations, empty.questions, empty.not_sure_rate, empty.helpful_rate) == (0, 0, None, None)
    assert (last.conversations, last.top_answers) == (1, [("cart/what_is", 1)])


def test_impact_per_month_puts_each_day_in_its_own_month():
    november, december = impact(data(), MONTH)
    assert (november.label, december.label) == ("Nov 2026", "Dec 2026")
    assert (november.conversations, november.questions, november.answered) == (3, 6, 3)
    assert (december.conversations, december.questions, december.answered) == (2, 2, 2)
    assert (november.helpful_yes, november.helpful_no, december.helpful_yes, december.helpful_no) == (3, 1, 1, 1)


def test_no_data_gives_no_periods_and_no_versions():
    empty = StaffData([], [])
    assert impact(empty, WEEK) == [] and impact(empty, MONTH) == [] and answer_versions(empty) == {}
    with pytest.raises(ValueError):
        impact(empty, "fortnight")


def test_periods_start_on_monday_and_on_the_first_of_the_month():
    assert period_start(D(2026, 12, 6), WEEK) == D(2026, 11, 30)  # a Sunday
    assert period_start(D(2026, 12, 6), MONTH) == D(2026, 12, 1)
    assert (period_label(D(2026, 11, 30), WEEK), period_label(D(2026, 12, 1), MONTH)) == ("w/c 30 Nov 2026", "Dec 2026")


def test_the_csv_rows_leave_a_rate_empty_when_there_is_nothing_to_divide():
    rows = impact_rows(impact(data(), WEEK))
    assert rows[0]["not_sure_rate_percent"] == 20.0 and rows[0]["top_answers"] == "cart/what_is (2)"
    assert rows[2]["not_sure_rate_percent"] == "" and rows[2]["helpful_rate_percent"] == ""


async def test_the_reader_reads_turns_and_ratings_through_one_store(tmp_path, monkeypatch):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

    from assistant.staff import figures

    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    for sender, events in CONVERSATIONS.items():
        tracker = DialogueStateTracker.from_events(sender, [Event.from_parameters(e) for e in events], domain.slots)
        await store.save(tracker)
    for helpful in (True, True, False):
        feedback.record(store.engine, Rating("cart/what_is", V1, helpful=helpful), D(2026, 11, 24))
    feedback.record(store.engine, Rating("cart/what_is", V1, reason="something_else"), D(2026, 11, 24))
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tmp_path / "tracker.db"}"\n')
    opened = []
    real = figures._tracker_store
    monkeypatch.setattr(figures, "_tracker_store", lambda *args: opened.append(args) or real(*args))
    reader = Reader(endpoints, PROJECT_ROOT / "domain.yml")
    read = reader.read()
    reader.read()
    assert len(opened) == 1  # one store for conversations and ratings, and for every later read
    assert read.conversations == 4 and len(read.turns) == 8
    v1 = {v.version: v for v in answer_versions(read)["cart/what_is"]}[V1]
    assert (v1.shown, v1.yes, v1.no, v1.reasons["something_else"]) == (2, 2, 1, 1)


def test_the_charts_are_images_with_a_text_alternative_and_no_style_or_script():
    svg = str(charts.bar_chart("c", "Conversations, weekly", ["23 Nov", "30 Nov"], [3, None]))
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Conversations, weekly</title>' in svg
    assert '<desc id="c-desc">23 Nov: 3; 30 Nov: no data</desc>' in svg
    assert not re.search(r"<style|style=|<script|on\w+=", svg)
    assert "No data yet" in str(charts.bar_chart("e", "Empty", [], []))
