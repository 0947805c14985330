"""A tracker store mixin that loads only the recent turns of a conversation into memory.

Why: Rasa recomputes dialogue states over the whole loaded history for every policy on every turn and
deserialises every stored event of the session first, so a turn costs more the longer the conversation
(measured: p50 ~55 ms at turn 1, ~245 ms at turn 300; see docs/benchmarks.md). Our policies look at
few turns (``MemoizationPolicy`` ``max_history: 4``; rules are a few turns long), so the tracker Rasa
predicts from only needs the last ``history_turns`` user turns. What the older turns left behind that
the dialogue still needs is carried over as events at the start of the window:

- the session-start block (``action_session_start``, ``session_started``, its metadata slot);
- the value of every slot at the cut (a ``reset_slots`` then one ``slot`` event per set slot);
- the active loop (form) and a paused conversation.

Nothing is lost: the database keeps every event, ``retrieve_full_tracker`` (used by Rasa's export and
the erase/purge tools) still loads everything, and new events are written after the ones already stored
(``_additional_events`` counts from what was loaded, not from the in-memory length).

Configured in ``endpoints.yml`` next to the store's other settings: ``history_turns: 5`` (read by
``assistant/settings.py`` too; 5 when absent). The window must hold at least the
``MemoizationPolicy``'s ``max_history`` (4) turns plus the current one (every rule is one user turn long;
tests/assistant/store/test_bounded_history.py checks both against config.yml and data/rules). ``0`` loads whole
sessions, as Rasa does (the benchmarks compare both).
"""

from __future__ import annotations

import itertools
import json
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Text, Tuple

from rasa.shared.core.trackers import DialogueStateTracker

from assistant.settings import settings
from assistant.store.redacting import ensure_index

ACTION_LISTEN = "action_listen"
# The event types ``_state_at`` reads: all the older part of a session contributes to the window.
STATE_EVENTS = ("slot", "reset_slots", "restart", "active_loop", "pause", "resume")
# Attribute set on a bounded tracker: how many of its events were loaded from the store.
LOADED_EVENTS_ATTRIBUTE = "bounded_history_loaded_events"


def _state_at(events: List[Dict[str, Any]]) -> Tuple[Dict[str, Any], Optional[str], bool]:
    """Slot values set since the last reset, the active loop and the paused flag after ``events``."""
    slots: Dict[str, Any] = {}
    loop: Optional[str] = None
    paused = False
    for event in events:
        kind = event.get("event")
        if kind == "slot":
            slots[str(event.get("name"))] = event.get("value")
        elif kind == "reset_slots":
            slots = {}
        elif kind == "restart":
            slots, loop, paused = {}, None, False
        elif kind == "active_loop":
            loop = event.get("name")
        elif kind == "pause":
            paused = True
        elif kind == "resume":
            paused = False
    return slots, loop, paused


def bounded_events(events: List[Dict[str, Any]], history_turns: int) -> List[Dict[str, Any]]:
    """The serialised events of one session cut to its last ``history_turns`` user turns.

    The window starts at the ``action_listen`` before the oldest kept user message, preceded by the
    session-start block and by events that restore the slots, the active loop and the paused flag as
    they were at the cut. Sessions with no more turns than that are returned unchanged.
    """
    users = [index for index, event in enumerate(events) if event.get("event") == "user"]
    if history_turns < 1 or len(users) <= history_turns:
        return events
    cut = users[-history_turns]
    if cut > 0 and _is_listen(events[cut - 1]):
        cut -= 1
    return window(events[: users[0]], events[:cut], events[cut:])


def _is_listen(event: Dict[str, Any]) -> bool:
    return event.get("event") == "action" and event.get("name") == ACTION_LISTEN


def window(
    session_block: List[Dict[str, Any]], head: List[Dict[str, Any]], tail: List[Dict[str, Any]]
) -> List[Dict[str, Any]]:
    """The session-start block, events restoring the state left by ``head`` (at its last timestamp), the tail.

    ``head`` may hold only its state events (``STATE_EVENTS``) and its last event: nothing else is read.
    """
    slots, loop, paused = _state_at(head)
    timestamp = head[-1].get("timestamp")
    carried: List[Dict[str, Any]] = [{"event": "reset_slots", "timestamp": timestamp}]
    carried += [
        {"event": "slot", "name": name, "value": value, "timestamp": timestamp} for name, value in slots.items()
    ]
    if loop:
        carried.append({"event": "active_loop", "name": loop, "timestamp": timestamp})
    if paused:
        carried.append({"event": "pause", "timestamp": timestamp})
    return session_block + carried + tail


def _decoded(rows: List[Any]) -> List[Dict[str, Any]]:
    return [json.loads(row.data) for row in rows]


if TYPE_CHECKING:  # what the mixin is put in front of, for the type checker
    from rasa.core.tracker_store import SQLTrackerStore as _TrackerStore
else:
    _TrackerStore = object


class BoundedHistoryMixin(_TrackerStore):
    """Put before an ``SQLTrackerStore`` subclass: ``retrieve`` returns a bounded window of the session."""

    def __init__(self, *args: Any, history_turns: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.history_turns = int(history_turns if history_turns is not None else settings().history_turns)
        self._ensure_type_index()

    def _ensure_type_index(self) -> None:
        """An index on (sender_id, type_name): the window queries then read a few index entries, not every row.

        Why: Rasa indexes events by sender only, so finding a conversation's user turns and session start
        read all of its rows (with their JSON) on every turn, and a turn cost more the longer the
        conversation. Additive (Rasa's own queries are unaffected); created once, by the first replica to start.
        """
        events = self.SQLEvent
        ensure_index(self.engine, events.__table__, "ix_events_sender_id_type_name", events.sender_id, events.type_name)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The latest session's tracker, cut to the last ``history_turns`` user turns."""
        with self.session_scope() as session:
            events = self._bounded_rows(session, sender_id)
        if not self.domain or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, LOADED_EVENTS_ATTRIBUTE, len(tracker.events))
        return tracker

    def _bounded_rows(self, session: Any, sender_id: Text) -> List[Dict[str, Any]]:
        """``bounded_events`` of the latest session, reading only what it needs from the database.

        Why in SQL: decoding every stored event of a long session before cutting it made a turn cost
        more the longer the conversation. Only the tail, the session-start block and the older part's
        state events (slots, form, pause) are read; a session of ``history_turns`` or fewer user turns
        is read whole, as before (one extra small query).
        """
        rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
        event = self.SQLEvent
        users = rows.filter(event.type_name == "user")
        oldest_kept = None
        if self.history_turns > 0:
            oldest_kept = users.order_by(None).order_by(event.id.desc()).offset(self.history_turns).first()
        if oldest_kept is None:  # no more user turns than the window: the whole session
            return _decoded(rows.all())
        # ``oldest_kept`` is the newest user turn left out; the window starts at the next one, or at the
        # ``action_listen`` just before it.
        first_kept = users.filter(event.id > oldest_kept.id).first()
        last_of_head = rows.filter(event.id < first_kept.id).order_by(None).order_by(event.id.desc()).first()
        head_end = first_kept.id
        if last_of_head.type_name == "action" and last_of_head.action_name == ACTION_LISTEN:
            head_end = last_of_head.id
            last_of_head = rows.filter(event.id < head_end).order_by(None).order_by(event.id.desc()).first()
        session_block = rows.filter(event.id < users.first().id).all()
        head_state = rows.filter(event.id < head_end, event.type_name.in_(STATE_EVENTS)).all()
        tail = rows.filter(event.id >= head_end).all()
        return window(_decoded(session_block), _decoded(head_state + [last_of_head]), _decoded(tail))

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """Events not stored yet: those after the loaded ones for a bounded tracker, else Rasa's count."""
        loaded = getattr(tracker, LOADED_EVENTS_ATTRIBUTE, None)
        if loaded is None:
            return super()._additional_events(session, tracker)
        setattr(tracker, LOADED_EVENTS_ATTRIBUTE, len(tracker.events))  # a second save writes nothing twice
        return itertools.islice(tracker.events, loaded, len(tracker.events))
