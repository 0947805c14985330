"""What patients said of an answer (its edit page, by version), the impact page and its CSV: figures read from a
conversation store of the test's own, ratings given through the real turn gate, and no personal data anywhere."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, List, Tuple

import pytest
import sqlalchemy as sa
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.content.opening_hours import UK_TZ
from assistant.server.rate_limit import forget_all_clients
from assistant.server.turn_gate import Turn, TurnGate
from assistant.store.feedback import RATINGS
from assistant.store.redacting import RedactingSQLTrackerStore
from tests.assistant.console.conftest import signed_in
from tests.conftest import PROJECT_ROOT

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
OLD = "sha256:" + "0bd0" * 6
ANSWER = "cart/what_is"
PERSONAL = {
    "name": "Margaret Okonkwo",
    "nhs number": "943 476 5919",
    "phone": "07700 900123",
    "email": "margaret.okonkwo@example.com",
    "postcode": "CH63 4JY",
    "date of birth": "03/04/1961",
}


def store_of(endpoints: Path) -> RedactingSQLTrackerStore:
    return RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(endpoints.parent / "tracker.db"))


def exchange(when: dt.datetime, text: str, intent: str, *actions: str, answer: str = "", version: str = "") -> List:
    stamp = when.timestamp()
    events: List[Any] = [UserUttered(text, {"name": intent, "confidence": 0.9}, timestamp=stamp)]
    events += [ActionExecuted(action, timestamp=stamp + 0.1) for action in actions]
    if answer:
        meta = {"utter_action": f"utter_{answer}", "metadata": {"answer_id": answer, "version": version}}
        events.append(BotUttered("…", metadata=meta, timestamp=stamp + 0.2))
    events.append(ActionExecuted("action_listen", timestamp=stamp + 0.3))
    return events


async def seed(endpoints: Path, live: str, personal: bool = False) -> RedactingSQLTrackerStore:
    """Three conversations over two weeks: the answer shown in its old and its live wording, a "not sure", a
    handoff; with ``personal``, every message also holds a name, numbers, an email, a postcode and a birth date."""
    store = store_of(endpoints)
    extra = " ".join(PERSONAL.values()) if personal else ""
    day1 = dt.datetime(2026, 11, 24, 10, tzinfo=UK_TZ)
    day2 = dt.datetime(2026, 12, 1, 10, tzinfo=UK_TZ)
    conversations = {
        "one": exchange(day1, f"what is car t {extra}", "cart", "utter_cart", answer=ANSWER, version=OLD),
        "two": [
            *exchange(day2, f"what is cart {extra}", "cart", "utter_cart", answer=ANSWER, version=live),
            *exchange(day2, f"blorp {extra}", "nlu_fallback", "utter_clarify"),
        ],
        "three": exchange(day2, f"my name is {PERSONAL['name']}, call me", "handoff", "action_handoff"),
    }
    for sender, events in conversations.items():
        await store.save(DialogueStateTracker.from_events(sender, events, DOMAIN.slots))
    return store


async def rate(store: RedactingSQLTrackerStore, version: str, **choice: Any) -> Any:
    """A patient's tap, sent through the turn gate every chat channel uses."""
    import json

    forget_all_clients()
    agent = SimpleNamespace(nlg=SimpleNamespace(responses={f"utter_{ANSWER}": [{"text": "…"}]}), tracker_store=store)
    text = "/feedback" + json.dumps({"answer_id": ANSWER, "version": version, **choice})
    output = CollectingOutputChannel()

    async def rasa(message: Any) -> None:
        raise AssertionError("a rating must not reach Rasa")

    turn = Turn("c0ffee" * 10, text, None, "203.0.113.9")
    return await TurnGate("rest").handle(turn, agent, rasa, output, lambda: bool(output.messages))


async def rated(endpoints: Path, workspace: Any, personal: bool = False) -> str:
    live = workspace.text(ANSWER).version
    store = await seed(endpoints, live, personal)
    taps: List[Tuple[str, Dict[str, Any]]] = [
        (OLD, {"helpful": True}),
        (OLD, {"helpful": False}),
        (OLD, {"reason": "hard_to_understand"}),
        (live, {"helpful": False}),
        (live, {"helpful": False}),
        (live, {"reason": "did_not_answer"}),
        (live, {"helpful": True}),
    ]
    for version, choice in taps:
        assert (await rate(store, version, **choice)).status == 200
    return live


def run(coroutine: Any) -> Any:
    """An async step (the store, the turn gate) from a test that drives the console's own test client."""
    return asyncio.run(coroutine)


def ratings_section(page: str) -> str:
    found = re.search(r'<section id="ratings".*?</section>', page, re.S)
    assert found, "no #ratings section"
    return found.group(0)


def cells(row_html: str) -> List[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row_html, re.S)]


# --- an answer's page -----------------------------------------------------------------------------------------
def test_an_answers_page_shows_what_patients_said_per_version_with_the_live_one_marked(console, endpoints, workspace):
    live = run(rated(endpoints, workspace))
    section = ratings_section(signed_in(console, "edna").get(f"/edit?key={ANSWER}").text)
    assert '<h2 id="ratings-heading">What patients said</h2>' in section
    assert "<caption" in section and 'scope="row"' in section
    headings = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', section)
    assert headings == [
        "Version",
        "Shown",
        "Helpful: yes",
        "Helpful: no",
        "Hard to understand",
        "Did not answer my question",
        "Something else",
    ]
    rows = re.findall(r"<tr class=\"nhsuk-table__row\">\s*<th scope=\"row\".*?</tr>", section, re.S)
    first, second = (cells(row) for row in rows)
    assert first[0].startswith(live[7:15]) and "live now" in first[0]
    assert first[1:] == ["1", "1", "2", "0", "1", "0"]
    assert second[0].startswith(OLD[7:15]) and "live now" not in second[0]
    assert second[1:] == ["1", "1", "1", "1", "0", "0"]


def test_the_live_version_is_listed_even_before_anyone_saw_it(console, endpoints, workspace):
    store = run(seed(endpoints, OLD))  # only the old wording was shown
    assert (run(rate(store, OLD, helpful=True))).status == 200
    section = ratings_section(signed_in(console, "edna").get(f"/edit?key={ANSWER}").text)
    rows = [
        cells(row) for row in re.findall(r"<tr class=\"nhsuk-table__row\">\s*<th scope=\"row\".*?</tr>", section, re.S)
    ]
    assert "live now" in rows[0][0] and rows[0][1:] == ["0"] * 6
    assert rows[1][0].startswith(OLD[7:15]) and rows[1][2] == "1"


def test_an_answer_nobody_saw_says_so_in_a_sentence(console):
    section = ratings_section(signed_in(console, "edna").get("/edit?key=jacie/what_is").text)
    assert "No patient has seen or rated this answer yet" in section and "<table" not in section


def test_a_text_that_is_not_an_answer_has_no_ratings_section(console, workspace):
    other = next(t for t in workspace.texts().values() if t.kind != "answer")
    assert 'id="ratings"' not in signed_in(console, "edna").get(f"/edit?key={other.key}").text


def test_the_figures_are_read_again_after_a_minute_not_before(console, endpoints, workspace, clock):
    edna = signed_in(console, "edna")
    assert "No patient has seen" in ratings_section(edna.get(f"/edit?key={ANSWER}").text)
    run(rated(endpoints, workspace))
    clock.now += 30
    assert "No patient has seen" in ratings_section(edna.get(f"/edit?key={ANSWER}").text)  # the cached read
    clock.now += 31
    assert "live now" in ratings_section(edna.get(f"/edit?key={ANSWER}").text)


# --- the impact page and its CSV ------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["edna", "rita", "ada"])
def test_every_role_sees_the_impact_page_with_charts_tables_and_how_each_figure_is_counted(
    console, endpoints, workspace, who
):
    run(rated(endpoints, workspace))
    person = signed_in(console, who)
    page = person.get("/impact")
    assert page.status == 200, page.text
    assert '<a href="/impact" aria-current="page">Impact</a>' in page.text
    for title in ("Conversations", "Questions answered", "Not sure", "Handoffs to a person", "Urgent-help replies"):
        assert title in page.text
    assert page.text.count('role="img"') == 6 and page.text.count("<desc id=") == 6
    assert "Of the times patients pressed Yes or No under an answer" in page.text  # how it is counted
    assert "w/c 23 Nov 2026" in page.text and "w/c 30 Nov 2026" in page.text
    assert "40%" in page.text and "(2 of 5)" in page.text  # helpful: 2 yes of 5 yes-or-no
    assert "33.3%" in page.text and "(1 of 3)" in page.text  # not sure: 1 of the 3 messages in the week of 30 Nov
    assert not re.search(r"<script|style=", page.text)
    assert "script-src 'none'" in page.headers["content-security-policy"]
    month = person.get("/impact?period=month").text
    assert "Nov 2026" in month and "Dec 2026" in month and "w/c" not in month.split("<main")[1].split("Download")[1]


def test_the_csv_has_the_same_figures_as_a_download(console, endpoints, workspace):
    run(rated(endpoints, workspace))
    edna = signed_in(console, "edna")
    for period, first in (("week", "w/c 23 Nov 2026"), ("month", "Nov 2026")):
        response = edna.get(f"/impact.csv?period={period}")
        assert response.status == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"] == f'attachment; filename="impact-per-{period}.csv"'
        rows = list(csv.DictReader(io.StringIO(response.body.decode("utf-8-sig"))))
        assert rows[0]["period"] == first
    weeks = list(csv.DictReader(io.StringIO(edna.get("/impact.csv").body.decode("utf-8-sig"))))
    asked = [r for r in weeks if r["questions"] != "0"]  # ratings are given today (the turn gate's day): later rows
    assert [(r["period_start"], r["conversations"], r["questions"], r["questions_answered"]) for r in asked] == [
        ("2026-11-23", "1", "1", "1"),
        ("2026-11-30", "2", "3", "1"),
    ]
    assert (asked[1]["not_sure"], asked[1]["not_sure_rate_percent"], asked[1]["handoffs"]) == ("1", "33.3", "1")
    total_yes = sum(int(r["helpful_yes"]) for r in weeks)
    assert (total_yes, sum(int(r["helpful_no"]) for r in weeks)) == (2, 3)
    assert asked[1]["top_answers"] == f"{ANSWER} (1)"


def test_an_empty_store_gives_a_plain_sentence_and_a_csv_with_its_header_only(console):
    edna = signed_in(console, "edna")
    assert "No conversations or ratings yet" in edna.get("/impact").text
    assert edna.get("/impact.csv").body.decode("utf-8-sig").strip() == ",".join(
        __import__("assistant.staff.figures", fromlist=["x"]).IMPACT_CSV_COLUMNS
    )


def test_the_impact_page_and_csv_need_a_session(browser):
    for path in ("/impact", "/impact.csv", "/impact?period=month"):
        response = browser.get(path)
        assert response.status == 302 and response.headers["location"] == "/sign-in", path


def test_a_store_that_cannot_be_read_gives_a_plain_notice(console, endpoints):
    endpoints.write_text("action_endpoint:\n  url: http://127.0.0.1:9\n", encoding="utf-8")  # no tracker_store
    edna = signed_in(console, "edna")
    page = edna.get("/impact")
    assert page.status == 503 and "could not be read" in page.text
    assert "could not be read" in ratings_section(edna.get(f"/edit?key={ANSWER}").text)


# --- no personal data -----------------------------------------------------------------------------------------
def test_no_personal_data_reaches_the_ratings_table_or_any_figure_page(console, endpoints, workspace):
    live = run(rated(endpoints, workspace, personal=True))
    store = store_of(endpoints)
    for sneaky in (
        {"helpful": True, "note": PERSONAL["name"]},
        {"reason": f"my email is {PERSONAL['email']}"},
        {"helpful": PERSONAL["phone"]},
    ):
        assert (run(rate(store, live, **sneaky))).status == 400
    assert (run(rate(store, f"sha256:{PERSONAL['nhs number']}", helpful=True))).status == 400

    with store.engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(sa.select(RATINGS))]
    assert len(rows) == 7 and {tuple(row) for row in rows} == {
        ("id", "answer_id", "version", "helpful", "reason", "day")
    }
    edna = signed_in(console, "edna")
    seen = [repr(rows)]
    for path in (f"/edit?key={ANSWER}", "/impact", "/impact?period=month", "/impact.csv", "/impact.csv?period=month"):
        response = edna.get(path)
        assert response.status == 200, path
        seen.append(response.body.decode("utf-8-sig"))
    everything = "\n".join(seen)
    assert "Helpful: no" in everything  # the pages did show the figures
    for kind, value in PERSONAL.items():
        for form in {value, value.replace(" ", ""), *value.split()}:
            if len(form) >= 4 and form.lower() not in ("call",):
                assert form.lower() not in everything.lower(), f"{kind} ({form}) shown"
