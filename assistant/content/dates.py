"""Dates in the content files: read them one way, and say whether a text is past its review-by date.

Why one module: the catalogue, the contacts, the system texts and the console all read ``checked``,
``approved`` and ``review_by`` dates, written by hand as ``YYYY-MM-DD`` (quoted or not), and every text's
review-by date ends at UK midnight whatever the server's clock says.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Optional

from assistant.content.opening_hours import UK_TZ


def as_date(value: Any) -> Optional[dt.date]:
    """A ``YYYY-MM-DD`` date from the files (quoted or not), or None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def today_uk() -> dt.date:
    """Today's date in the UK: review-by dates end at UK midnight, whatever the server's time zone."""
    return dt.datetime.now(tz=UK_TZ).date()


def review_passed(metadata: Mapping[str, Any], today: dt.date) -> bool:
    """True when a text carries a review-by date that has passed (or that cannot be read).

    Fail safe: a text whose ``review_by`` is there but unreadable is treated as overdue. Texts without
    ``review_by`` (none of the governed ones) are never affected.
    """
    if "review_by" not in metadata:
        return False
    review_by = as_date(metadata.get("review_by"))
    return review_by is None or review_by < today
