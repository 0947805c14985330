"""The tracker store the Rasa server is configured with (``endpoints.yml``): the privacy store (personal
details redacted before anything is written, erasure, retention: :mod:`assistant.privacy.redacting_store`)
that gives the policies only the recent turns (:mod:`assistant.server.bounded_history`).
"""

from __future__ import annotations

from assistant.privacy.redacting_store import RedactingSQLTrackerStore
from assistant.server.bounded_history import BoundedHistoryMixin


class BoundedRedactingSQLTrackerStore(BoundedHistoryMixin, RedactingSQLTrackerStore):
    """The redacting store that loads only the recent turns for prediction (``assistant.server.bounded_history``).

    The one configured in ``endpoints.yml`` and ``endpoints.scale.yml``: redaction, erase and purge as in
    ``RedactingSQLTrackerStore``; every event is still stored.
    """
