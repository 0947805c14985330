"""The action server's clock: UK time now.

Why a module: handoff depends on the time of day, and tests (and the tester toolkit) freeze time
with ``time-machine`` around this single function rather than patching ``datetime`` everywhere.
"""
from __future__ import annotations

import datetime as dt

from assistant.opening_hours import UK_TZ


def now_uk() -> dt.datetime:
    """The current time in Europe/London."""
    return dt.datetime.now(tz=UK_TZ)
