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

Configured in ``endpoints.yml`` next to the store's other settings: ``history_turns: 10``; when the
setting is absent, ``HISTORY_TURNS`` in the environment or 10. ``0`` loads whole sessions, as Rasa does
(the benchmarks compare both).
"""
from __future__ import annotations

import itertools
import json
import os
from typing import Any, Dict, Iterator, List, Optional, Text, Tuple

from rasa.shared.core.trackers import DialogueStateTracker

DEFAULT_HISTORY_TURNS = 10
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
            slots[event.get("name")] = event.get("value")
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
    if cut > 0 and events[cut - 1].get("event") == "action" and events[cut - 1].get("name") == "action_listen":
        cut -= 1
    head = events[:cut]
    session_block = events[:users[0]]
    slots, loop, paused = _state_at(head)
    timestamp = head[-1].get("timestamp")
    carried: List[Dict[str, Any]] = [{"event": "reset_slots", "timestamp": timestamp}]
    carried += [{"event": "slot", "name": name, "value": value, "timestamp": timestamp} for name, value in slots.items()]
    if loop:
        carried.append({"event": "active_loop", "name": loop, "timestamp": timestamp})
    if paused:
        carried.append({"event": "pause", "timestamp": timestamp})
    return session_block + carried + events[cut:]


class BoundedHistoryMixin:
    """Put before an ``SQLTrackerStore`` subclass: ``retrieve`` returns a bounded window of the session."""

    def __init__(self, *args: Any, history_turns: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if history_turns is None:
            history_turns = os.environ.get("HISTORY_TURNS", DEFAULT_HISTORY_TURNS)
        self.history_turns = int(history_turns)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The latest session's tracker, cut to the last ``history_turns`` user turns."""
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
            events = [json.loads(row.data) for row in rows]
        if not self.domain or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, bounded_events(events, self.history_turns), self.domain.slots)
        setattr(tracker, LOADED_EVENTS_ATTRIBUTE, len(tracker.events))
        return tracker

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """Events not stored yet: those after the loaded ones for a bounded tracker, else Rasa's count."""
        loaded = getattr(tracker, LOADED_EVENTS_ATTRIBUTE, None)
        if loaded is None:
            return super()._additional_events(session, tracker)
        setattr(tracker, LOADED_EVENTS_ATTRIBUTE, len(tracker.events))  # a second save writes nothing twice
        return itertools.islice(tracker.events, loaded, len(tracker.events))
