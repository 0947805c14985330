"""The insights report reads real tracker stores, groups alike questions, counts them and redacts personal data.

Conversations are written with Rasa's own ``SQLTrackerStore`` (SQLite here; PostgreSQL when
``INSIGHTS_POSTGRES=1``, see ``postgres_endpoints``), then read back through ``endpoints.yml`` the way
``make insights`` does.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.content.opening_hours import UK_TZ
from assistant.settings import settings
from assistant.staff.figures import Reader
from assistant.staff.insights import (
    ADVICE,
    FALLBACK,
    HANDOFF,
    LOW,
    OUT_OF_SCOPE,
    WITHHELD,
    build_insights,
    read_conversations,
    redact,
)
from testkit.local_services import MissingService, pg_tool, postgres_server
from tests.conftest import PROJECT_ROOT

ROOT = PROJECT_ROOT
DOMAIN = Domain.load(str(ROOT / "domain.yml"))
DAY1 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=UK_TZ)
DAY2 = dt.datetime(2026, 11, 24, 15, 0, tzinfo=UK_TZ)


def turn(
    when: dt.datetime,
    text: str,
    intent: str,
    confidence: float = 0.95,
    *actions: str,
    answer: str = "",
    selector_confidence: float = 0.9,
    slot: str = "",
    withheld: bool = False,
) -> List:
    """Events of one patient message and the assistant's reply, as Rasa stores them."""
    topic = intent.split("/")[0]  # Rasa names the retrieval intent ("cart"); the full name is kept aside
    parse: Dict[str, Any] = {"intent": {"name": topic, "confidence": confidence}, "entities": [], "text": text}
    if answer:
        parse["intent"]["full_retrieval_intent_name"] = intent
        parse["response_selector"] = {
            topic: {
                "response": {
                    "confidence": selector_confidence,
                    "intent_response_key": answer,
                    "utter_action": f"utter_{answer}",
                }
            }
        }
    stamp = when.timestamp()
    events = [UserUttered(text, parse["intent"], [], parse, timestamp=stamp)]
    for action in actions:
        events.append(ActionExecuted(action, timestamp=stamp + 0.1))
    if answer:
        meta = {"metadata": {"answer_id": answer, "topic": "CAR-T basics"}, "utter_action": f"utter_{answer}"}
        if withheld:
            meta = {
                "metadata": {"answer_id": answer, "withheld": "review_by_passed"},
                "utter_action": f"utter_{answer}",
            }
        events.append(BotUttered("…", metadata=meta, timestamp=stamp + 0.2))
    if slot:
        events.append(SlotSet("handoff_reason", slot, timestamp=stamp + 0.3))
    events.append(ActionExecuted("action_listen", timestamp=stamp + 0.4))
    return events


CONVERSATIONS: Dict[str, List] = {
    "c1": [
        SessionStarted(timestamp=DAY1.timestamp()),
        *turn(DAY1, "what is car t", "cart/what_is", 0.99, "utter_cart", answer="cart/what_is"),
        *turn(DAY1, "can i bring my dog to the ward", "out_of_scope", 0.9, "utter_out_of_scope"),
        *turn(
            DAY1, "my name is John Smith, call me on 07700 900123", "handoff", 0.9, "action_handoff", slot="clinical"
        ),
    ],
    "c2": [
        *turn(DAY1, "can I bring my dog onto the ward?", "out_of_scope", 0.8, "utter_out_of_scope"),
        *turn(DAY1, "should I stop my steroids", "personal_advice", 0.9, "utter_personal_advice"),
    ],
    "c3": [
        *turn(DAY2, "can my dog come on the ward", "out_of_scope", 0.7, "utter_out_of_scope"),
        *turn(DAY2, "blorp wibble flange", "nlu_fallback", 0.3, "utter_clarify"),
        *turn(
            DAY2,
            "how long in hospital",
            "cart/hospital_stay",
            0.45,
            "utter_cart",
            answer="cart/hospital_stay",
            selector_confidence=0.3,
        ),
        *turn(DAY2, "does it work", "cart/does_it_work", 0.9, "utter_cart", answer="cart/does_it_work", withheld=True),
        *turn(DAY2, "I want to make a complaint", "complaint", 0.9, "action_handoff", slot="complaint"),
    ],
}


async def fill(store: SQLTrackerStore) -> None:
    for sender, events in CONVERSATIONS.items():
        await store.save(DialogueStateTracker.from_events(sender, events, DOMAIN.slots))


def sqlite_endpoints(tmp_path: Path) -> Path:
    path = tmp_path / "endpoints.yml"
    path.write_text(
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tmp_path / "tracker.db"}"\n', encoding="utf-8"
    )
    return path


def read_csv(path: Path) -> List[Dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


async def report_rows(endpoints: Path, out: Path) -> List[Dict[str, str]]:
    paths = build_insights(Reader(endpoints, ROOT / "domain.yml").read(), out, source=str(endpoints))
    assert paths["html"].exists()
    return read_csv(paths["csv"])


def check_report(rows: List[Dict[str, str]], html: str) -> None:
    by_category = {}
    for row in rows:
        by_category.setdefault(row["category"], []).append(row)
    dogs = by_category[OUT_OF_SCOPE][0]
    assert (dogs["asked"], dogs["conversations"], dogs["first_seen"], dogs["last_seen"]) == (
        "3",
        "3",
        "2026-11-23",
        "2026-11-24",
    )
    assert [r["question"] for r in by_category[ADVICE]] == ["should I stop my steroids"]
    assert [r["question"] for r in by_category[FALLBACK]] == ["blorp wibble flange"]
    assert [(r["question"], r["details"]) for r in by_category[LOW]] == [
        ("how long in hospital", "cart/hospital_stay (1)")
    ]
    assert [r["question"] for r in by_category[WITHHELD]] == ["does it work"]
    handoffs = sorted((r["question"], r["details"]) for r in by_category[HANDOFF])
    assert handoffs == [
        ("I want to make a complaint", "complaint (1)"),
        ("my name is [NAME], call me on [PHONE]", "clinical (1)"),
    ]
    assert "what is car t" not in {r["question"] for r in rows}  # answered confidently: not a problem
    assert "John" not in html and "07700" not in html
    assert "Conversations per day" in html and "Answers served by topic" in html and "by reason" in html


async def test_insights_from_a_sqlite_tracker_store(tmp_path):
    endpoints = sqlite_endpoints(tmp_path)
    await fill(SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db")))
    rows = await report_rows(endpoints, tmp_path / "out")
    check_report(rows, (tmp_path / "out" / "insights.html").read_text(encoding="utf-8"))


async def test_the_answers_ratings_are_counted_per_version_from_the_same_database(tmp_path):
    from assistant.staff.figures import rating_summary
    from assistant.store.feedback import Rating, record

    endpoints = sqlite_endpoints(tmp_path)
    store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    await fill(store)
    version = "sha256:" + "c" * 24
    for rating in (Rating("cart/what_is", version, helpful=True), Rating("cart/what_is", version, helpful=False)):
        record(store.engine, rating, DAY2.date())
    record(store.engine, Rating("cart/what_is", version, reason="did_not_answer"), DAY2.date())
    data = Reader(endpoints, ROOT / "domain.yml").read()
    ratings = rating_summary(data)
    assert [(r["answer_id"], r["yes"], r["no"], r["did_not_answer"]) for r in ratings] == [("cart/what_is", 1, 1, 1)]
    html = build_insights(data, tmp_path / "out")["html"].read_text(encoding="utf-8")
    assert "Was this answer helpful?" in html
    assert f'<td>cart/what_is</td><td class="muted">{version}</td><td>0</td><td>1</td><td>1</td>' in html


def test_make_insights_opens_the_tracker_store_once_for_conversations_and_ratings(tmp_path, monkeypatch):
    from assistant.staff import figures, insights

    endpoints = sqlite_endpoints(tmp_path)
    opened = []
    real = figures._tracker_store
    monkeypatch.setattr(figures, "_tracker_store", lambda *args: opened.append(args) or real(*args))
    assert insights.main(["--endpoints", str(endpoints), "--out", str(tmp_path / "out")]) == 0
    assert len(opened) == 1
    assert (tmp_path / "out" / "insights.html").exists() and (tmp_path / "out" / "insights.csv").exists()


async def test_the_events_themselves_can_still_be_read(tmp_path):
    await fill(SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db")))
    conversations = await read_conversations(sqlite_endpoints(tmp_path), ROOT / "domain.yml")
    assert sorted(conversations) == ["c1", "c2", "c3"]
    assert conversations["c2"][0]["event"] == "user"


async def test_an_empty_tracker_store_gives_an_empty_report_not_an_error(tmp_path):
    rows = await report_rows(sqlite_endpoints(tmp_path), tmp_path / "out")
    assert rows == []
    assert "no conversations yet" in (tmp_path / "out" / "insights.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("my name is Mary Jones and I had car t", "my name is [NAME] and I had car t"),
        ("email me at mary.jones@example.com", "email me at [EMAIL]"),
        ("my NHS number is 943 476 5919", "my NHS number is [NHS_NUMBER]"),
        ("ring 0113 496 0000 or +44 7700 900123", "ring [PHONE] or [PHONE]"),
        ("born 03/04/1961 in CH63 4JY", "born [DATE] in [POSTCODE]"),
        ("Dr Patel said I need car t", "Dr [NAME] said I need car t"),
        ("what is car t", "what is car t"),
    ],
)
def test_personal_details_are_redacted(typed, shown):
    assert redact(typed) == shown


# --- PostgreSQL (opt-in: starts a throw-away local server, ~10 s) -------------------------------------
@pytest.fixture
def postgres_endpoints(tmp_path):
    """A private PostgreSQL server on a free loopback port (testkit.local_services); stopped afterwards."""
    if settings().get("INSIGHTS_POSTGRES") != "1":
        pytest.skip("set INSIGHTS_POSTGRES=1 to test insights on PostgreSQL (starts a local server)")
    try:
        pg_tool("initdb")
    except MissingService as missing:
        pytest.skip(str(missing))
    with postgres_server() as postgres:
        port = postgres.port
        endpoints = tmp_path / "endpoints.yml"
        endpoints.write_text(
            f'tracker_store:\n  type: SQL\n  dialect: "postgresql"\n  url: "127.0.0.1"\n  port: {port}\n'
            f'  db: "postgres"\n  username: "postgres"\n  password: ""\n',
            encoding="utf-8",
        )
        yield endpoints, port


async def test_insights_from_a_postgresql_tracker_store(postgres_endpoints, tmp_path):
    from assistant.staff.figures import WEEK, answer_versions, impact
    from assistant.store.feedback import Rating, record

    endpoints, port = postgres_endpoints
    store = SQLTrackerStore(
        DOMAIN, dialect="postgresql", host="127.0.0.1", port=port, db="postgres", username="postgres", password=""
    )
    await fill(store)
    version = "sha256:" + "d" * 24
    for rating in (
        Rating("cart/what_is", version, helpful=True),
        Rating("cart/what_is", version, reason="did_not_answer"),
    ):
        record(store.engine, rating, DAY2.date())
    rows = await report_rows(endpoints, tmp_path / "out")
    check_report(rows, (tmp_path / "out" / "insights.html").read_text(encoding="utf-8"))
    data = Reader(endpoints, ROOT / "domain.yml").read()  # the console's figures, from the same read layer
    rated = {v.version: v for v in answer_versions(data)["cart/what_is"]}[version]
    assert (rated.yes, rated.no, rated.reasons["did_not_answer"]) == (1, 0, 1)
    (week,) = impact(data, WEEK)
    assert (week.conversations, week.questions, week.helpful_yes, week.helpful_rate) == (3, 10, 1, 100.0)
