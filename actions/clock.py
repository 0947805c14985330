"""The action server's clock: UK time now, with a test-only override for the tester toolkit.

Why a module: handoff depends on the time of day, and tests freeze time with ``time-machine`` around
this single function rather than patching ``datetime`` everywhere.

Why the override, and why it cannot be a back door: the end-to-end scenarios (``make test-e2e``) check
handoff in hours, out of hours and on a bank holiday against the real running assistant, so they need
to say what time it is. They send it as ``{"test_clock": "2026-12-25T10:00"}`` in the message metadata.
The action server honours that ONLY when ``CART_TEST_CLOCK=1`` was in its environment when it started
(the test runner sets it; ``make run`` never does and clears it). In production the metadata is ignored,
whoever sends it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Mapping, Optional

from assistant.content.opening_hours import UK_TZ
from assistant.settings import TEST_CLOCK_VARIABLE, settings

logger = logging.getLogger(__name__)

TEST_CLOCK_METADATA_KEY = "test_clock"

# Read once, when the action server imports its actions: a running server cannot be switched over.
TEST_CLOCK_ENABLED = settings().test_clock
if TEST_CLOCK_ENABLED:
    logger.warning(
        "%s=1: the test clock is ON (message metadata can set the time). Never use this in production.",
        TEST_CLOCK_VARIABLE,
    )


def now_uk(metadata: Optional[Mapping[str, Any]] = None) -> dt.datetime:
    """The current time in Europe/London, or the test clock from ``metadata`` when it is enabled."""
    if TEST_CLOCK_ENABLED and metadata:
        override = parse_test_clock(metadata.get(TEST_CLOCK_METADATA_KEY))
        if override is not None:
            return override
    return dt.datetime.now(tz=UK_TZ)


def parse_test_clock(value: Any) -> Optional[dt.datetime]:
    """An ISO 8601 time (UK local time unless it has an offset), or None if there is none or it is unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        logger.warning("Ignoring an unreadable test clock %r", value)
        return None
    return when.replace(tzinfo=UK_TZ) if when.tzinfo is None else when.astimezone(UK_TZ)
