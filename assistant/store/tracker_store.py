"""The tracker store the Rasa server is configured with (``endpoints.yml``): the privacy store (personal
details redacted before anything is written, erasure, retention: :mod:`assistant.store.redacting`)
that gives the policies only the recent turns (:mod:`assistant.store.bounded_history`).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import create_engine_kwargs

from assistant.store.bounded_history import BoundedHistoryMixin
from assistant.store.redacting import RedactingSQLTrackerStore


class BoundedRedactingSQLTrackerStore(BoundedHistoryMixin, RedactingSQLTrackerStore):
    """The redacting store that loads only the recent turns for prediction (``assistant.store.bounded_history``).

    The one configured in ``endpoints.yml`` and ``endpoints.scale.yml``: redaction, erase and purge as in
    ``RedactingSQLTrackerStore``; every event is still stored.
    """

    engine: sa.engine.Engine

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Rasa's engine keeps pooled connections that die when the database restarts, so the first turn
        # after a restart would fail: check each connection before use (SQLAlchemy's pre-ping).
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
