"""``make insights``: what patients asked that the assistant could not answer, for the staff who own the answers.

Why: the catalogue improves only if staff see the questions that ended in a fallback, an unsure
answer, "out of scope", a refusal of personal advice or a handoff to a person. This reads the
conversations from the tracker store named in ``endpoints.yml`` (through Rasa's own tracker store
classes, so the SQLite default, PostgreSQL or any store Rasa supports), groups alike questions
(:mod:`assistant.content.similarity`), counts them with their dates, and writes ``results/insights.html``
(with charts of conversations per day, answers served by topic and handoffs by reason) and
``results/insights.csv``. Personal details typed by patients are redacted before anything is written.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

from assistant.content.catalogue import ROOT
from assistant.content.dates import today_uk
from assistant.content.opening_hours import UK_TZ
from assistant.content.similarity import group_similar
from assistant.privacy import redaction
from assistant.settings import apply_library_environment
from assistant.staff.report_html import bar_chart_svg, render_html, write_csv
from assistant.store import feedback

RESULTS = ROOT / "results"
LOW_CONFIDENCE = 0.5  # the answer gate's threshold (config.yml): below it an answer was a "clear winner" only
GROUPING_SIMILARITY = (
    0.5  # character n-gram cosine (assistant.content.similarity): same wording give or take a few words
)

FALLBACK, LOW, OUT_OF_SCOPE, ADVICE, HANDOFF, WITHHELD = (
    "fallback",
    "low confidence",
    "out of scope",
    "advice refused",
    "handoff",
    "answer withheld (review overdue)",
)
CATEGORIES = [FALLBACK, LOW, OUT_OF_SCOPE, ADVICE, HANDOFF, WITHHELD]
CATEGORY_HELP = {
    FALLBACK: "The assistant was not sure what was asked and offered the closest answers or a person.",
    LOW: "An answer was given, but with low confidence: check it was the right one.",
    OUT_OF_SCOPE: "Outside what the assistant covers: a candidate for a new answer?",
    ADVICE: "Asked for personal medical advice, which the assistant declines.",
    HANDOFF: "Ended with the contact details of a person.",
    WITHHELD: "Matched an answer whose review-by date had passed, so it was not shown.",
}
CSV_COLUMNS = ["category", "asked", "conversations", "first_seen", "last_seen", "question", "other_wordings", "details"]

# --- redaction ---------------------------------------------------------------------------------------
# The tracker store already redacts before it writes (assistant/store/redacting.py); redacting again here
# protects reports made from older databases or another store.
redact = redaction.redact


# --- reading conversations -----------------------------------------------------------------------------
@dataclass
class Turn:
    """One thing a patient typed, and how the assistant dealt with it."""

    sender: str
    when: dt.datetime
    text: str  # already redacted
    intent: str
    confidence: float
    answer: str = ""  # "cart/what_is" when a catalogue answer was served
    answer_topic: str = ""
    selector_confidence: Optional[float] = None
    actions: List[str] = field(default_factory=list)
    handoff_reason: str = ""
    withheld: bool = False

    @property
    def categories(self) -> List[str]:
        found = []
        if (
            "utter_clarify" in self.actions
            or "action_default_fallback" in self.actions
            or self.intent == "nlu_fallback"
        ):
            found.append(FALLBACK)
        if self.answer and min(self.confidence, self.selector_confidence or 1.0) < LOW_CONFIDENCE:
            found.append(LOW)
        if self.intent == "out_of_scope" or "utter_out_of_scope" in self.actions:
            found.append(OUT_OF_SCOPE)
        if self.intent == "personal_advice" or "utter_personal_advice" in self.actions:
            found.append(ADVICE)
        if "action_handoff" in self.actions:
            found.append(HANDOFF)
        if self.withheld:
            found.append(WITHHELD)
        return found


def _when(event: Dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromtimestamp(float(event.get("timestamp") or 0), tz=UK_TZ)


def turns_from_events(sender: str, events: Iterable[Dict[str, Any]]) -> List[Turn]:
    """Split a conversation's events into the patient's turns, each with what the assistant did next."""
    turns: List[Turn] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            turns.append(
                Turn(
                    sender,
                    _when(event),
                    redact(str(event.get("text") or "")),
                    str(intent.get("name") or ""),
                    float(intent.get("confidence") or 0.0),
                )
            )
            turns[-1].selector_confidence = _selector_confidence(parse)
        elif not turns:
            continue
        elif kind == "action":
            turns[-1].actions.append(str(event.get("name")))
        elif kind == "slot" and event.get("name") == "handoff_reason" and event.get("value"):
            turns[-1].handoff_reason = str(event["value"])
        elif kind == "bot":
            meta = event.get("metadata") or {}
            answer_meta = meta.get("metadata") or {}
            utter = str(meta.get("utter_action") or "")
            if answer_meta.get("withheld"):
                turns[-1].withheld = True
            elif utter.startswith("utter_") and "/" in utter:
                turns[-1].answer = utter[len("utter_") :]
                turns[-1].answer_topic = str(answer_meta.get("topic") or utter[len("utter_") :].split("/")[0])
    return turns


def _selector_confidence(parse: Dict[str, Any]) -> Optional[float]:
    intent = str((parse.get("intent") or {}).get("name") or "")
    selected = (parse.get("response_selector") or {}).get(intent) or {}
    confidence = (selected.get("response") or {}).get("confidence")
    return float(confidence) if confidence is not None else None


def _tracker_store(endpoints: Path, domain_path: Path) -> Any:
    """The tracker store configured in ``endpoints`` (as Rasa creates it, wrappers and all)."""
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.utils.endpoints import read_endpoint_config

    apply_library_environment()  # the endpoints file names ${VAR_DIR}

    with warnings.catch_warnings():  # Rasa's deprecation notes (SQLAlchemy URL, slot mappings) are not for staff
        warnings.simplefilter("ignore")  # after the imports: importing Rasa installs its own warning filters
        config = read_endpoint_config(str(endpoints), "tracker_store")
        if config is None:
            raise SystemExit(
                f"{endpoints} names no tracker_store: conversations are not being kept, so there is nothing to report"
            )
        return TrackerStore.create(config, domain=Domain.load(str(domain_path)))


async def read_conversations(endpoints: Path, domain_path: Path) -> Dict[str, List[Dict[str, Any]]]:
    """Every conversation's events, from the tracker store configured in ``endpoints``."""
    store = _tracker_store(endpoints, domain_path)
    conversations: Dict[str, List[Dict[str, Any]]] = {}
    for sender in await store.keys():
        tracker = await store.retrieve_full_tracker(sender)
        if tracker is not None:
            conversations[sender] = [event.as_dict() for event in tracker.events]
    return conversations


def read_ratings(endpoints: Path, domain_path: Path, since: Optional[dt.date] = None) -> List[Dict[str, Any]]:
    """Patients' ratings of answers ("Was this answer helpful?") per answer and version, from the same database
    as the conversations (:mod:`assistant.store.feedback`); none when the store is not an SQL one."""
    store = _tracker_store(endpoints, domain_path)
    for _ in range(5):  # inside Rasa's wrappers (fail-safe, awaitable)
        if hasattr(store, "engine"):
            return feedback.summary(store.engine, since)
        store = getattr(store, "_tracker_store", None)
    return []


# --- the report ----------------------------------------------------------------------------------------
@dataclass
class QuestionGroup:
    category: str
    turns: List[Turn]

    @property
    def wordings(self) -> List[str]:
        return [text for text, _ in Counter(t.text for t in self.turns).most_common()]

    def row(self) -> Dict[str, Any]:
        details = (
            Counter(t.handoff_reason or "reason not recorded" for t in self.turns)
            if self.category == HANDOFF
            else Counter(t.answer for t in self.turns if t.answer)
        )
        return {
            "category": self.category,
            "asked": len(self.turns),
            "conversations": len({t.sender for t in self.turns}),
            "first_seen": min(t.when for t in self.turns).date().isoformat(),
            "last_seen": max(t.when for t in self.turns).date().isoformat(),
            "question": self.wordings[0],
            "other_wordings": " | ".join(self.wordings[1:4]),
            "details": ", ".join(f"{k} ({v})" for k, v in details.most_common()),
        }


def group_questions(turns: List[Turn]) -> List[QuestionGroup]:
    """Alike questions counted together, per category, most asked first."""
    groups: List[QuestionGroup] = []
    for category in CATEGORIES:
        chosen = [t for t in turns if category in t.categories and t.text.strip()]
        for indices in group_similar([t.text for t in chosen], GROUPING_SIMILARITY):
            groups.append(QuestionGroup(category, [chosen[i] for i in indices]))
    return groups


def in_period(turns: List[Turn], since: Optional[dt.date], until: Optional[dt.date]) -> List[Turn]:
    return [t for t in turns if (since is None or t.when.date() >= since) and (until is None or t.when.date() <= until)]


def build_insights(
    conversations: Dict[str, List[Dict[str, Any]]],
    out_dir: Path = RESULTS,
    since: Optional[dt.date] = None,
    until: Optional[dt.date] = None,
    source: str = "",
    ratings: Sequence[Dict[str, Any]] = (),
) -> Dict[str, Path]:
    """Write ``insights.html`` and ``insights.csv`` for these conversations (and the answers' ``ratings``)."""
    turns = in_period(
        [t for sender, events in conversations.items() for t in turns_from_events(sender, events)], since, until
    )
    groups = group_questions(turns)
    rows = [g.row() for g in groups]
    per_day: Dict[str, set] = defaultdict(set)
    for turn in turns:
        per_day[turn.when.date().isoformat()].add(turn.sender)
    days = sorted(per_day)
    topics = Counter(t.answer_topic for t in turns if t.answer).most_common()
    reasons = Counter(t.handoff_reason or "not recorded" for t in turns if HANDOFF in t.categories).most_common()
    category_counts = [(c, sum(c in t.categories for t in turns)) for c in CATEGORIES]
    csv_path = write_csv(out_dir / "insights.csv", rows, CSV_COLUMNS)
    period = f"{days[0]} to {days[-1]}" if days else "no conversations yet"
    html_path = render_html(
        "insights.html",
        out_dir / "insights.html",
        title="CAR-T assistant: what patients asked",
        subtitle=f"{period} · generated {today_uk().isoformat()}",
        source=source,
        csv_name=csv_path.name,
        conversations=len({t.sender for t in turns}),
        questions=len(turns),
        answered=sum(1 for t in turns if t.answer and not t.categories),
        category_counts=category_counts,
        category_help=CATEGORY_HELP,
        sections=[(c, [r for r in rows if r["category"] == c]) for c in CATEGORIES],
        daily_chart=bar_chart_svg(
            "Conversations per day", days, [len(per_day[d]) for d in days], ylabel="conversations"
        ),
        topic_chart=bar_chart_svg(
            "Answers served by topic", [t for t, _ in topics], [n for _, n in topics], horizontal=True
        ),
        ratings=list(ratings),
        reasons=[(reason, reason.replace("_", " ")) for reason in feedback.REASONS],
        handoff_chart=bar_chart_svg(
            "Handoffs to a person, by reason", [r for r, _ in reasons], [n for _, n in reasons], horizontal=True
        ),
    )
    return {"html": html_path, "csv": csv_path}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Report what patients asked that the assistant could not answer.")
    parser.add_argument(
        "--endpoints", type=Path, default=ROOT / "endpoints.yml", help="where the tracker store is configured"
    )
    parser.add_argument("--domain", type=Path, default=ROOT / "domain.yml")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the HTML and CSV (default results/)")
    parser.add_argument("--since", type=dt.date.fromisoformat, help="first day to include (YYYY-MM-DD)")
    parser.add_argument("--until", type=dt.date.fromisoformat, help="last day to include (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", DeprecationWarning)  # library import chatter, not for staff
    conversations = asyncio.run(read_conversations(args.endpoints, args.domain))
    ratings = read_ratings(args.endpoints, args.domain, args.since)
    paths = build_insights(conversations, args.out, args.since, args.until, source=str(args.endpoints), ratings=ratings)
    print(f"insights: {len(conversations)} conversations → {paths['html']} and {paths['csv']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
