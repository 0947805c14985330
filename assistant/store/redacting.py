"""Rasa's SQL tracker store, but nothing a patient typed is written in clear, and conversations can be
erased on request and purged after the retention period.

Why: Rasa open source stores every message, entity and slot in clear. This store keeps Rasa's table
and queries (so ``rasa`` tools and SQL reports still work) and changes only what is written: each
user event (text, parse data, entities, metadata) and each slot value passes through
``assistant.privacy.redaction`` first. The tracker Rasa holds in memory for the current turn is untouched, so
NLU, the urgent-symptom detector and the custom actions see the patient's own words; the next turn
starts from the redacted copy, which the dialogue policies do not mind (they use intents, not text).
Bot messages are the centre's own approved content and are stored as sent.

Configured in ``endpoints.yml``::

    tracker_store:
      type: assistant.store.redacting.RedactingSQLTrackerStore
      dialect: sqlite
      db: var/tracker.db
      retention_days: 30

On SQLite, deletions overwrite the freed space (``PRAGMA secure_delete``), so an erased conversation
cannot be read back from the database file. The purge deletes in small batches, each its own transaction,
through an index on the event time: one large delete held SQLite's write lock for seconds and every
patient's turn waited behind it (the soak measured p95 peaks of ~1 s after each purge).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from assistant.privacy.log_redaction import install_log_redaction
from assistant.privacy.redaction import NAME, redact_value
from assistant.settings import settings
from assistant.store import feedback

logger = logging.getLogger(__name__)

SECONDS_PER_DAY = 86400
PURGE_BATCH_ROWS = 500
# Between two purge batches: long enough for the turns waiting on the write lock to take it.
PURGE_PAUSE_SECONDS = 0.02
# Parts of an event that hold only model output or staff content: kept as they are.
_MODEL_OUTPUT_KEYS = frozenset(
    {
        "event",
        "name",
        "policy",
        "timestamp",
        "input_channel",
        "message_id",
        "intent",
        "intent_ranking",
        "response_selector",
    }
)
_STAFF_CONTENT_EVENTS = frozenset({"bot"})
_PERSON_ENTITY = re.compile(r"name|person", re.IGNORECASE)


def ensure_index(engine: sa.engine.Engine, table: sa.Table, name: str, *columns: Any) -> None:
    """Create the index ``name`` on ``table`` unless the database has it.

    The index is declared on the table once per process (Rasa's table is shared by every store, and a
    second declaration under the same name would make Rasa's own ``create_all`` fail on a new database);
    another replica creating it at the same moment is not an error.
    """
    index = next((found for found in table.indexes if found.name == name), None) or sa.Index(name, *columns)
    try:
        index.create(engine, checkfirst=True)
    except sa.exc.DBAPIError:
        existing = {found["name"] for found in sa.inspect(engine).get_indexes(table.name)}
        if name not in existing:
            raise


def redact_event(data: Dict[str, Any]) -> Dict[str, Any]:
    """A serialised event as it may be stored: anything that can carry patients' text redacted.

    An entity that names a person (its type mentions ``name`` or ``person``) loses its value even when
    the text gave no cue: the extractor already decided it is a name.
    """
    if data.get("event") in _STAFF_CONTENT_EVENTS:
        return data
    redacted = redact_value(data, skip_keys=_MODEL_OUTPUT_KEYS)
    entities = ((redacted.get("parse_data") or {}).get("entities") or []) + (redacted.get("entities") or [])
    for entity in entities:
        if isinstance(entity, dict) and _PERSON_ENTITY.search(str(entity.get("entity", ""))):
            entity["value"] = NAME
    return redacted


class RedactingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that redacts personal data before writing, and can erase and purge."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        retention_days: Any = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        # The Rasa server loads this store before it handles any message: the earliest clean place to
        # make sure its log lines are redacted too.
        install_log_redaction()
        super().__init__(domain=domain, event_broker=event_broker, **kwargs)
        self.retention_days = int(retention_days if retention_days is not None else settings().retention_days)
        # The purge finds old events through this index instead of reading the whole table.
        ensure_index(self.engine, self.SQLEvent.__table__, "ix_events_timestamp", self.SQLEvent.timestamp)
        feedback.create_table(self.engine)  # patients' ratings of answers, kept and purged beside the events

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events, redacted (same rows as Rasa's ``SQLTrackerStore.save``)."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = redact_event(event.as_dict())
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        logger.debug("Tracker stored (redacted)")

    async def _stream_new_events(self, event_broker: EventBroker, new_events: List[Event], sender_id: Text) -> None:
        """An event broker, if one is configured, receives the same redacted events."""
        for event in new_events:
            event_broker.publish({"sender_id": sender_id, **redact_event(event.as_dict())})

    def _overwrite_deleted(self, session: Any) -> None:
        """SQLite keeps deleted rows in free pages unless told to overwrite them."""
        if self.engine.dialect.name == "sqlite":
            session.execute(sa.text("PRAGMA secure_delete=ON"))

    def erase(self, sender_id: Text) -> int:
        """Delete every event of one conversation; returns how many rows were deleted."""
        with self.session_scope() as session:
            self._overwrite_deleted(session)
            deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        logger.info("Erased a conversation on request (%d events)", deleted)
        return deleted

    def purge_older_than(self, days: Optional[float] = None, now: Optional[float] = None) -> int:
        """Delete every event older than ``days`` (default: ``retention_days``); returns the count.

        A conversation disappears entirely once its last message is older than the retention period.
        Deleted ``PURGE_BATCH_ROWS`` at a time, with a pause between batches, so patients' turns are
        never held up for more than one small batch.
        """
        days = self.retention_days if days is None else days
        cutoff = (time.time() if now is None else now) - float(days) * SECONDS_PER_DAY
        events = self.SQLEvent
        deleted = 0
        while True:
            with self.session_scope() as session:
                self._overwrite_deleted(session)
                batch = sa.select(events.id).where(events.timestamp < cutoff).limit(PURGE_BATCH_ROWS)
                count = (
                    session.query(events)
                    .filter(events.id.in_(batch.scalar_subquery()))
                    .delete(synchronize_session=False)
                )
                session.commit()
            deleted += count
            if count < PURGE_BATCH_ROWS:
                break
            time.sleep(PURGE_PAUSE_SECONDS)
        ratings = feedback.purge_before(self.engine, dt.datetime.fromtimestamp(cutoff, dt.timezone.utc).date())
        logger.info("Purged %d events and %d answer ratings older than %s days", deleted, ratings, days)
        return deleted


def unwrap(store: Any) -> Optional[RedactingSQLTrackerStore]:
    """The ``RedactingSQLTrackerStore`` inside Rasa's wrappers (fail-safe, awaitable), if any."""
    seen = 0
    while store is not None and seen < 5:
        if isinstance(store, RedactingSQLTrackerStore):
            return store
        store = getattr(store, "_tracker_store", None)
        seen += 1
    return None
