"""``make insights``: what patients asked that the assistant could not answer, for the staff who own the answers.

Why: the catalogue improves only if staff see the questions that ended in a fallback, an unsure
answer, "out of scope", a refusal of personal advice or a handoff to a person. This reads the conversations and
the answers' ratings through the staff figures' one read layer (:mod:`assistant.staff.figures`: the tracker store
named in ``endpoints.yml``, opened once through Rasa's own classes, so the SQLite default, PostgreSQL or any
store Rasa supports), groups alike questions (:mod:`assistant.content.similarity`), counts them with their dates,
and writes ``results/insights.html`` (with charts of conversations per day, answers served by topic and handoffs
by reason, and what patients said of each answer by version) and ``results/insights.csv``. Personal details typed
by patients are redacted before anything is written.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

from assistant.content.catalogue import ROOT
from assistant.content.dates import today_uk
from assistant.content.similarity import group_similar
from assistant.staff.figures import (
    ADVICE,
    CATEGORIES,
    FALLBACK,
    HANDOFF,
    LOW,
    LOW_CONFIDENCE,
    OUT_OF_SCOPE,
    WITHHELD,
    Reader,
    StaffData,
    Turn,
    rating_summary,
    redact,
    turns_from_events,
)
from assistant.staff.report_html import bar_chart_svg, render_html, write_csv
from assistant.store import feedback

__all__ = [
    "ADVICE",
    "CATEGORIES",
    "FALLBACK",
    "HANDOFF",
    "LOW",
    "LOW_CONFIDENCE",
    "OUT_OF_SCOPE",
    "WITHHELD",
    "QuestionGroup",
    "Turn",
    "build_insights",
    "group_questions",
    "main",
    "read_conversations",
    "redact",
    "turns_from_events",
]

RESULTS = ROOT / "results"
GROUPING_SIMILARITY = (
    0.5  # character n-gram cosine (assistant.content.similarity): same wording give or take a few words
)
CATEGORY_HELP = {
    FALLBACK: "The assistant was not sure what was asked and offered the closest answers or a person.",
    LOW: "An answer was given, but with low confidence: check it was the right one.",
    OUT_OF_SCOPE: "Outside what the assistant covers: a candidate for a new answer?",
    ADVICE: "Asked for personal medical advice, which the assistant declines.",
    HANDOFF: "Ended with the contact details of a person.",
    WITHHELD: "Matched an answer whose review-by date had passed, so it was not shown.",
}
CSV_COLUMNS = ["category", "asked", "conversations", "first_seen", "last_seen", "question", "other_wordings", "details"]


async def read_conversations(endpoints: Path, domain_path: Path) -> Dict[str, List[Dict[str, Any]]]:
    """Every conversation's events, from the tracker store configured in ``endpoints`` (for callers that want the
    events themselves; the report reads through :class:`assistant.staff.figures.Reader`)."""
    return dict(await asyncio.to_thread(lambda: list(Reader(endpoints, domain_path).conversations())))


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
    data: StaffData,
    out_dir: Path = RESULTS,
    since: Optional[dt.date] = None,
    until: Optional[dt.date] = None,
    source: str = "",
) -> Dict[str, Path]:
    """Write ``insights.html`` and ``insights.csv`` for what was read (:class:`assistant.staff.figures.Reader`)."""
    data = data.between(since, until)
    turns = data.turns
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
        ratings=rating_summary(data),
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
    data = Reader(args.endpoints, args.domain).read()  # one store, one read: conversations and ratings
    paths = build_insights(data, args.out, args.since, args.until, source=str(args.endpoints))
    print(f"insights: {data.conversations} conversations → {paths['html']} and {paths['csv']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
