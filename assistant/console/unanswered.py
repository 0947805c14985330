"""Unanswered questions for the console: what patients asked that got "not sure", "out of scope" or a person,
grouped by meaning, with the closest existing answers, and which groups staff marked as needing a new answer.

Why here and not in ``make insights`` alone: the staff who own the answers use the console, not the command line,
and turning a question into an example must go through the console's own check and history. The turns are the
staff figures' (:mod:`assistant.staff.figures`, as ``make insights`` and the impact page read them: the tracker
store named in the endpoints file, redacted again, read at most once a minute through the console's
:class:`~assistant.console.figures_cache.FiguresCache`). The grouping is the assistant's
(``POST /webhooks/staff/group``: the question matcher's sentence vectors, already loaded there); when the
assistant cannot be reached, the page says so and groups by wording instead
(:func:`assistant.content.similarity.group_similar`), without closest answers.

A mark ("needs a new answer", and its undoing) is a row of the console's hash-chained history (key
``unanswered:<id>``), naming the group's messages by a hash of their words: the history keeps no patient's wording
unless it is safe to keep as an example would be.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import httpx

from assistant.console import examples, history
from assistant.console.figures_cache import FiguresCache
from assistant.console.try_client import rasa_url
from assistant.content.similarity import group_similar, normalise
from assistant.settings import settings
from assistant.staff.figures import FALLBACK, HANDOFF, OUT_OF_SCOPE, Turn
from assistant.staff.insights import GROUPING_SIMILARITY

KINDS = (FALLBACK, OUT_OF_SCOPE, HANDOFF)
KIND_NAMES = {FALLBACK: "not sure", OUT_OF_SCOPE: "out of scope", HANDOFF: "handoff"}
MARK_PREFIX = "unanswered:"
MAX_SENT = 200  # the assistant's own bound on one grouping (assistant/server/staff_routes.py)
MAX_SENT_BYTES = 60_000  # under the assistant's limit on any request body (request_max_bytes, 64 KB)
TIMEOUT_SECONDS = 60.0
BY_MEANING, BY_WORDING = "meaning", "wording"
_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")


class GroupError(Exception):
    """The assistant could not group the questions; ``reason`` names the notice in ``messages.yml``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def message_id(text: str) -> str:
    """A message's name in the history: a hash of its words (case and punctuation set aside)."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:16]


def safe_as_example(text: str) -> bool:
    """Neither a redaction placeholder ([NAME], [PHONE]…) nor anything the redaction would still hide."""
    return not _PLACEHOLDER.search(text) and not examples.holds_personal_data(text)


@dataclass
class Message:
    """One wording patients sent (the same words counted together)."""

    text: str
    count: int
    first: dt.datetime
    last: dt.datetime
    kinds: List[str]
    conversations: int

    @property
    def id(self) -> str:
        return message_id(self.text)

    @property
    def safe(self) -> bool:
        return safe_as_example(self.text)


@dataclass
class Closest:
    key: str
    title: str
    confidence: float


@dataclass
class Mark:
    marked: bool
    username: str
    at: float


@dataclass
class Group:
    messages: List[Message]  # most asked first
    closest: List[Closest] = field(default_factory=list)
    mark: Optional[Mark] = None

    @property
    def count(self) -> int:
        return sum(m.count for m in self.messages)

    @property
    def example(self) -> Message:
        return self.messages[0]

    @property
    def others(self) -> List[Message]:
        return self.messages[1:]

    @property
    def first(self) -> dt.date:
        return min(m.first for m in self.messages).date()

    @property
    def last(self) -> dt.date:
        return max(m.last for m in self.messages).date()

    @property
    def id(self) -> str:
        return self.example.id

    @property
    def needs_new_answer(self) -> bool:
        return bool(self.mark and self.mark.marked)


@dataclass
class Grouping:
    groups: List[Group]
    grouped_by: str  # BY_MEANING or BY_WORDING
    problem: str = ""  # the notice key saying why the assistant did not group them
    left_out: int = 0  # wordings beyond what one grouping takes (the oldest)

    @property
    def messages(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def wordings(self) -> int:
        return sum(len(g.messages) for g in self.groups)


# --- reading -------------------------------------------------------------------------------------------
def unanswered_messages(turns: Iterable[Turn]) -> List[Message]:
    """The turns that got "not sure", "out of scope" or a handoff, one :class:`Message` per wording, most recent
    first."""
    found: Dict[str, List[Turn]] = {}
    for turn in turns:
        if not any(kind in turn.categories for kind in KINDS):
            continue  # answered: its text is never read (redacting it is most of the cost)
        text = examples.clean(turn.text)
        if text:
            found.setdefault(normalise(text) or text, []).append(turn)
    result = []
    for same in found.values():
        texts: Dict[str, int] = {}
        for turn in same:
            texts[examples.clean(turn.text)] = texts.get(examples.clean(turn.text), 0) + 1
        kinds = [k for k in KINDS if any(k in t.categories for t in same)]
        result.append(
            Message(
                max(texts, key=lambda t: (texts[t], t)),
                len(same),
                min(t.when for t in same),
                max(t.when for t in same),
                kinds,
                len({t.sender for t in same}),
            )
        )
    return sorted(result, key=lambda m: (m.last, m.count), reverse=True)


async def read_messages(figures: FiguresCache) -> List[Message]:
    """The unanswered messages in the conversation store, as the staff figures last read it (at most a minute
    ago); :class:`~assistant.console.figures_cache.FiguresUnavailable` when it cannot be read."""
    data = await figures.get()
    return unanswered_messages(data.turns)


# --- grouping ------------------------------------------------------------------------------------------
def bounded(messages: Sequence[Message]) -> Tuple[List[Message], int]:
    """The most recent wordings one grouping takes (count and bytes), and how many are left out."""
    taken: List[Message] = []
    size = 20
    for message in messages[:MAX_SENT]:
        size += len(json.dumps(message.text)) + 2
        if size > MAX_SENT_BYTES:
            break
        taken.append(message)
    return taken, len(messages) - len(taken)


async def ask_assistant(texts: List[str], base_url: Optional[str], token: Optional[str]) -> Dict[str, Any]:
    """``POST {rasa}/webhooks/staff/group``: the assistant's groups of ``texts`` (docs/running.md)."""
    headers = {"Authorization": f"Bearer {token if token is not None else settings().staff_api_token}"}
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
            response = await client.post(
                f"{(base_url or rasa_url()).rstrip('/')}/webhooks/staff/group", json={"texts": texts}, headers=headers
            )
    except httpx.HTTPError as error:
        raise GroupError("group_unreachable") from error
    if response.status_code == 401:
        raise GroupError("try_refused")
    if response.status_code == 429:
        raise GroupError("group_busy")
    if response.status_code != 200:
        raise GroupError("group_unreachable")
    try:
        body = response.json()
    except ValueError as error:
        raise GroupError("try_bad_answer") from error
    if not isinstance(body, dict) or not isinstance(body.get("groups"), list):
        raise GroupError("try_bad_answer")
    return body


def _parsed_groups(body: Dict[str, Any], count: int) -> List[Tuple[List[int], List[Tuple[str, float]]]]:
    """The assistant's groups, checked: every index once, in range."""
    seen: set = set()
    groups = []
    for item in body["groups"]:
        members = [int(i) for i in (item.get("members") or []) if isinstance(i, int) and 0 <= i < count]
        members = [i for i in members if i not in seen]
        seen.update(members)
        closest = [
            (str(c["answer_id"]), float(c.get("confidence") or 0.0))
            for c in item.get("closest") or []
            if isinstance(c, dict) and c.get("answer_id")
        ]
        if members:
            groups.append((members, closest))
    groups.extend(([i], []) for i in range(count) if i not in seen)
    return groups


async def group_messages(
    messages: Sequence[Message],
    titles: Dict[str, str],
    base_url: Optional[str] = None,
    token: Optional[str] = None,
) -> Grouping:
    """The messages grouped by the assistant (by meaning), else by wording with the reason why."""
    taken, left_out = bounded(messages)
    if not taken:
        return Grouping([], BY_MEANING, left_out=left_out)
    try:
        body = await ask_assistant([m.text for m in taken], base_url, token)
        parsed = _parsed_groups(body, len(taken))
        grouped_by, problem = BY_MEANING, ""
    except GroupError as error:
        parsed = [(indices, []) for indices in group_similar([m.text for m in taken], GROUPING_SIMILARITY)]
        grouped_by, problem = BY_WORDING, error.reason
    groups = []
    for members, closest in parsed:
        chosen = sorted((taken[i] for i in members), key=lambda m: (-m.count, -m.last.timestamp(), m.text))
        groups.append(Group(chosen, [Closest(k, titles.get(k, k), c) for k, c in closest if k in titles]))
    groups.sort(key=lambda g: (-g.count, -max(m.last for m in g.messages).timestamp()))
    return Grouping(groups, grouped_by, problem, left_out)


# --- marks ---------------------------------------------------------------------------------------------
def marks(url: str = "") -> Dict[str, Mark]:
    """Each message's latest mark ("needs a new answer" or undone), by :func:`message_id`."""
    found: Dict[str, Mark] = {}
    for entry in reversed(history.entries_under(MARK_PREFIX, url=url)):  # oldest first: the latest wins
        if entry.action not in (history.MARK, history.UNMARK) or not isinstance(entry.after, dict):
            continue
        for number in entry.after.get("messages") or []:
            found[str(number)] = Mark(entry.action == history.MARK, entry.username, entry.at)
    return found


def apply_marks(groups: Sequence[Group], found: Dict[str, Mark]) -> None:
    for group in groups:
        latest = [found[m.id] for m in group.messages if m.id in found]
        group.mark = max(latest, key=lambda mark: mark.at) if latest else None


def mark_record(group_id: str, example: str, message_ids: Sequence[str], marked: bool) -> Tuple[str, Any, Any]:
    """(history key, before, after) of marking a group as needing a new answer (or undoing it). The wording is
    kept only when it is safe to keep."""
    wording = example if safe_as_example(example) else "a question holding personal details"
    label = f"Needs a new answer: {wording}"
    ids = sorted(set(message_ids))
    marked_state = {"text": label, "messages": ids}
    unmarked_state = {"text": "", "messages": ids}
    if marked:
        return f"{MARK_PREFIX}{group_id}", unmarked_state, marked_state
    return f"{MARK_PREFIX}{group_id}", marked_state, unmarked_state
