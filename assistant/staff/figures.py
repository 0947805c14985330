"""The one read layer of the staff figures: patients' turns from the conversation store and their ratings of
answers, read together through one store object, and the figures made from them.

Why one layer: the console's pages (an answer's ratings by version, the impact page and its CSV) and
``make insights`` must count the same things the same way. :class:`Reader` opens the tracker store named in the
endpoints file once (as Rasa creates it, wrappers and all: the SQLite default, PostgreSQL or any store Rasa
supports) and reads, in one pass, every stored event as a patient's :class:`Turn` (what they typed, redacted again,
and what the assistant did next) and the ratings (:mod:`assistant.store.feedback`, in the same database). On an
SQL store the events are read with one streamed query, not one query per conversation, so the raw events of
every conversation are never held at once.

The figures are plain functions of what was read: per answer and version of its wording, times shown and what
patients said (:func:`answer_versions`); per week or month, the impact figures (:func:`impact`).
Nothing here keeps a conversation id beyond the read (they only tell conversations apart) or shows a message.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from assistant.content.opening_hours import UK_TZ
from assistant.content.system_messages import CLARIFY_RESPONSE, URGENT_HELP_RESPONSE
from assistant.privacy import redaction
from assistant.settings import ROOT, apply_library_environment, settings
from assistant.store import feedback

LOW_CONFIDENCE = 0.5  # the answer gate's threshold (config.yml): below it an answer was a "clear winner" only

FALLBACK, LOW, OUT_OF_SCOPE, ADVICE, HANDOFF, WITHHELD = (
    "fallback",
    "low confidence",
    "out of scope",
    "advice refused",
    "handoff",
    "answer withheld (review overdue)",
)
CATEGORIES = [FALLBACK, LOW, OUT_OF_SCOPE, ADVICE, HANDOFF, WITHHELD]
WEEK, MONTH = "week", "month"
PERIODS = (WEEK, MONTH)
TOP_ANSWERS = 5

# The tracker store already redacts before it writes (assistant/store/redacting.py); redacting again here
# protects figures made from older databases or another store.
redact = redaction.redact


# --- patients' turns -------------------------------------------------------------------------------------
@dataclass
class Turn:
    """One thing a patient typed, and how the assistant dealt with it."""

    sender: str
    when: dt.datetime
    typed: str  # as the store holds it: redacted by the project's store, maybe not by an older or another one
    intent: str
    confidence: float
    answer: str = ""  # "cart/what_is" when a catalogue answer was served
    answer_topic: str = ""
    selector_confidence: Optional[float] = None
    actions: List[str] = field(default_factory=list)
    handoff_reason: str = ""
    withheld: bool = False
    shown: List[Tuple[str, str]] = field(default_factory=list)  # (answer id, version of its wording) per answer shown
    urgent_help: bool = False  # the urgent-help reply was given
    _text: Optional[str] = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        """What the patient typed, redacted (again): only when asked for, as most figures never read it and
        redaction is most of the read's time (0.4 ms a message)."""
        if self._text is None:
            self._text = redact(self.typed)
        return self._text

    @property
    def categories(self) -> List[str]:
        found = []
        if self.not_sure:
            found.append(FALLBACK)
        if self.answer and min(self.confidence, self.selector_confidence or 1.0) < LOW_CONFIDENCE:
            found.append(LOW)
        if self.intent == "out_of_scope" or "utter_out_of_scope" in self.actions:
            found.append(OUT_OF_SCOPE)
        if self.intent == "personal_advice" or "utter_personal_advice" in self.actions:
            found.append(ADVICE)
        if self.handoff:
            found.append(HANDOFF)
        if self.withheld:
            found.append(WITHHELD)
        return found

    @property
    def not_sure(self) -> bool:
        """The assistant said it was not sure what was asked (and offered the closest answers or a person)."""
        fallback = CLARIFY_RESPONSE in self.actions or "action_default_fallback" in self.actions
        return fallback or self.intent == "nlu_fallback"

    @property
    def handoff(self) -> bool:
        return "action_handoff" in self.actions


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
                    str(event.get("text") or ""),
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
            if utter == URGENT_HELP_RESPONSE:
                turns[-1].urgent_help = True
            if answer_meta.get("withheld"):
                turns[-1].withheld = True
            elif utter.startswith("utter_") and "/" in utter:
                answer = utter[len("utter_") :]
                turns[-1].answer = answer
                turns[-1].answer_topic = str(answer_meta.get("topic") or answer.split("/")[0])
                turns[-1].shown.append((answer, str(answer_meta.get("version") or "")))
    return turns


def _selector_confidence(parse: Dict[str, Any]) -> Optional[float]:
    intent = str((parse.get("intent") or {}).get("name") or "")
    selected = (parse.get("response_selector") or {}).get(intent) or {}
    confidence = (selected.get("response") or {}).get("confidence")
    return float(confidence) if confidence is not None else None


# --- ratings -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RatingCount:
    """How many ratings of one kind an answer's version got on one day (``helpful`` or ``reason`` is set)."""

    answer_id: str
    version: str
    day: dt.date
    helpful: Optional[bool]
    reason: Optional[str]
    count: int


# --- reading -------------------------------------------------------------------------------------------------
@dataclass
class StaffData:
    """Everything the staff figures are made from, as read at one moment."""

    turns: List[Turn]
    ratings: List[RatingCount]
    conversations: int = 0  # conversations read (with or without a patient's message)

    def between(self, since: Optional[dt.date] = None, until: Optional[dt.date] = None) -> "StaffData":
        """Only the turns and ratings of the days from ``since`` to ``until`` (either open)."""

        def inside(day: dt.date) -> bool:
            return (since is None or day >= since) and (until is None or day <= until)

        turns = [t for t in self.turns if inside(t.when.date())]
        return StaffData(turns, [r for r in self.ratings if inside(r.day)], len({t.sender for t in turns}))


class Reader:
    """The conversation store named in ``endpoints`` (made once, on the first read) and what it holds."""

    def __init__(self, endpoints: Optional[Path] = None, domain: Optional[Path] = None) -> None:
        self.endpoints = endpoints or settings().endpoints
        self.domain = domain or ROOT / "domain.yml"
        self._store: Any = None
        self._opening = threading.Lock()

    @property
    def store(self) -> Any:
        """The tracker store, as Rasa creates it from the endpoints file (wrappers and all); made once."""
        with self._opening:
            if self._store is None:
                self._store = _tracker_store(self.endpoints, self.domain)
            return self._store

    def read(self) -> StaffData:
        """Every stored turn and every stored rating."""
        senders = 0
        turns: List[Turn] = []
        for sender, events in self.conversations():
            senders += 1
            turns.extend(turns_from_events(sender, events))
        return StaffData(turns, self.ratings(), senders)

    def conversations(self) -> Iterator[Tuple[str, List[Dict[str, Any]]]]:
        """Each conversation's events (as ``Event.as_dict()`` gives them), one conversation at a time."""
        sql = _sql_store(self.store)
        if sql is not None:
            yield from _sql_conversations(sql)
            return
        yield from _run(_rasa_conversations(self.store)).items()

    def ratings(self) -> List[RatingCount]:
        """The ratings, counted per answer, version, day and kind; none when the store is not an SQL one."""
        sql = _sql_store(self.store)
        if sql is None:
            return []
        return [RatingCount(**row) for row in feedback.counts(sql.engine)]


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


def _sql_store(store: Any) -> Any:
    """The SQL tracker store inside Rasa's wrappers (fail-safe, awaitable), if it is one."""
    for _ in range(5):
        if store is None or (hasattr(store, "engine") and hasattr(store, "SQLEvent")):
            return store
        store = getattr(store, "_tracker_store", None)
    return None


def _sql_conversations(store: Any) -> Iterator[Tuple[str, List[Dict[str, Any]]]]:
    """Every conversation's events from Rasa's ``events`` table: one streamed query, in each conversation's order."""
    import sqlalchemy as sa

    events = store.SQLEvent.__table__
    query = sa.select(events.c.sender_id, events.c.data).order_by(events.c.sender_id, events.c.id)
    sender: Optional[str] = None
    current: List[Dict[str, Any]] = []
    with store.engine.connect() as connection:
        for row in connection.execution_options(stream_results=True, yield_per=1000).execute(query):
            if row.sender_id != sender:
                if sender is not None:
                    yield sender, current
                sender, current = row.sender_id, []
            try:
                current.append(json.loads(row.data))
            except (TypeError, ValueError):
                continue
    if sender is not None:
        yield sender, current


async def _rasa_conversations(store: Any) -> Dict[str, List[Dict[str, Any]]]:
    """Every conversation's events through Rasa's own interface (any store Rasa supports)."""
    conversations: Dict[str, List[Dict[str, Any]]] = {}
    for sender in await store.keys():
        tracker = await store.retrieve_full_tracker(sender)
        if tracker is not None:
            conversations[sender] = [event.as_dict() for event in tracker.events]
    return conversations


def _run(coroutine: Any) -> Any:
    """Run a coroutine to its end, also from a thread whose event loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    result: Dict[str, Any] = {}
    worker = threading.Thread(target=lambda: result.update(value=asyncio.run(coroutine)))
    worker.start()
    worker.join()
    return result["value"]


# --- per answer, by version ----------------------------------------------------------------------------------
@dataclass
class VersionFigures:
    """One version of an answer's wording: times shown, and what patients said about it."""

    version: str
    shown: int = 0
    yes: int = 0
    no: int = 0
    reasons: Dict[str, int] = field(default_factory=lambda: {reason: 0 for reason in feedback.REASONS})
    last_day: Optional[dt.date] = None  # the last day it was shown or rated

    def seen(self, day: dt.date) -> None:
        self.last_day = day if self.last_day is None else max(self.last_day, day)


def answer_versions(data: StaffData) -> Dict[str, List[VersionFigures]]:
    """Per answer id, its versions (most recently seen first): times shown and the ratings of each."""
    table: Dict[str, Dict[str, VersionFigures]] = defaultdict(dict)
    for turn in data.turns:
        for answer, version in turn.shown:
            figures = table[answer].setdefault(version, VersionFigures(version))
            figures.shown += 1
            figures.seen(turn.when.date())
    for rating in data.ratings:
        figures = table[rating.answer_id].setdefault(rating.version, VersionFigures(rating.version))
        if rating.helpful is True:
            figures.yes += rating.count
        elif rating.helpful is False:
            figures.no += rating.count
        if rating.reason in figures.reasons:
            figures.reasons[str(rating.reason)] += rating.count
        figures.seen(rating.day)
    return {
        answer: sorted(versions.values(), key=lambda v: (v.last_day or dt.date.min, v.version), reverse=True)
        for answer, versions in table.items()
    }


def rating_summary(data: StaffData) -> List[Dict[str, Any]]:
    """Per answer and version: shown, yes, no and each reason (most rated first), for the insights report."""
    rows = [
        {"answer_id": answer, "version": v.version, "shown": v.shown, "yes": v.yes, "no": v.no, **v.reasons}
        for answer, versions in answer_versions(data).items()
        for v in versions
        if v.yes or v.no or any(v.reasons.values())
    ]
    return sorted(rows, key=lambda row: (-(row["yes"] + row["no"]), row["answer_id"], row["version"]))


# --- impact, per week or month --------------------------------------------------------------------------------
def period_start(day: dt.date, period: str) -> dt.date:
    """The first day of the week (Monday) or month ``day`` is in."""
    return day - dt.timedelta(days=day.weekday()) if period == WEEK else day.replace(day=1)


def next_period(start: dt.date, period: str) -> dt.date:
    if period == WEEK:
        return start + dt.timedelta(days=7)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def period_label(start: dt.date, period: str) -> str:
    """``w/c 23 Nov 2026`` (week commencing) or ``Nov 2026``."""
    return f"w/c {start.day} {start:%b %Y}" if period == WEEK else f"{start:%b %Y}"


def rate(part: int, whole: int) -> Optional[float]:
    """``part`` out of ``whole`` in per cent (one decimal), or None when there is nothing to divide."""
    return round(100.0 * part / whole, 1) if whole else None


@dataclass
class PeriodFigures:
    """The impact figures of one week or month."""

    start: dt.date
    label: str
    conversations: int = 0
    questions: int = 0
    answered: int = 0
    not_sure: int = 0
    handoffs: int = 0
    urgent_help: int = 0
    helpful_yes: int = 0
    helpful_no: int = 0
    top_answers: List[Tuple[str, int]] = field(default_factory=list)

    @property
    def not_sure_rate(self) -> Optional[float]:
        return rate(self.not_sure, self.questions)

    @property
    def helpful_rate(self) -> Optional[float]:
        return rate(self.helpful_yes, self.helpful_yes + self.helpful_no)


def impact(data: StaffData, period: str = WEEK, top: int = TOP_ANSWERS) -> List[PeriodFigures]:
    """The impact figures per week or month, oldest first, every period from the first to the last with data."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    starts = {period_start(t.when.date(), period) for t in data.turns} | {
        period_start(r.day, period) for r in data.ratings
    }
    if not starts:
        return []
    rows: Dict[dt.date, PeriodFigures] = {}
    start, last = min(starts), max(starts)
    while start <= last:
        rows[start] = PeriodFigures(start, period_label(start, period))
        start = next_period(start, period)
    senders: Dict[dt.date, set] = defaultdict(set)
    answers: Dict[dt.date, Counter] = defaultdict(Counter)
    for turn in data.turns:
        row = rows[period_start(turn.when.date(), period)]
        senders[row.start].add(turn.sender)
        row.questions += 1
        row.answered += bool(turn.shown)
        row.not_sure += turn.not_sure
        row.handoffs += turn.handoff
        row.urgent_help += turn.urgent_help
        answers[row.start].update(answer for answer, _ in turn.shown)
    for rating in data.ratings:
        row = rows[period_start(rating.day, period)]
        if rating.helpful is True:
            row.helpful_yes += rating.count
        elif rating.helpful is False:
            row.helpful_no += rating.count
    for start, row in rows.items():
        row.conversations = len(senders[start])
        row.top_answers = sorted(answers[start].items(), key=lambda item: (-item[1], item[0]))[:top]
    return list(rows.values())


IMPACT_CSV_COLUMNS = [
    "period_start",
    "period",
    "conversations",
    "questions",
    "questions_answered",
    "not_sure",
    "not_sure_rate_percent",
    "handoffs",
    "urgent_help_replies",
    "helpful_yes",
    "helpful_no",
    "helpful_rate_percent",
    "top_answers",
]


def impact_rows(figures: Sequence[PeriodFigures]) -> List[Dict[str, Any]]:
    """The impact figures as CSV rows (:data:`IMPACT_CSV_COLUMNS`); a rate with nothing to divide is empty."""
    return [
        {
            "period_start": row.start.isoformat(),
            "period": row.label,
            "conversations": row.conversations,
            "questions": row.questions,
            "questions_answered": row.answered,
            "not_sure": row.not_sure,
            "not_sure_rate_percent": "" if row.not_sure_rate is None else row.not_sure_rate,
            "handoffs": row.handoffs,
            "urgent_help_replies": row.urgent_help,
            "helpful_yes": row.helpful_yes,
            "helpful_no": row.helpful_no,
            "helpful_rate_percent": "" if row.helpful_rate is None else row.helpful_rate,
            "top_answers": "; ".join(f"{answer} ({count})" for answer, count in row.top_answers),
        }
        for row in figures
    ]
