"""Opening hours of a contact, in UK local time, with England & Wales bank holidays.

Why a module of its own: "is the team there now, and if not, when does the line open?" must be right
on the nights the clocks change and on bank holidays. Time zones come from ``zoneinfo``
(Europe/London) and bank holidays from the ``holidays`` package, never from hand-written tables.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Mapping, Optional, Tuple, Union
from zoneinfo import ZoneInfo

import holidays

UK_TZ = ZoneInfo("Europe/London")
DAY_TYPES = ("weekdays", "saturday", "sunday", "bank_holidays")
ALWAYS_OPEN = "24/7"
_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")

TimeRange = Tuple[dt.time, dt.time]


@lru_cache(maxsize=None)
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_bank_holiday(day: dt.date) -> bool:
    """True on an England & Wales bank holiday (Wales shares England's list)."""
    return day in _bank_holidays(day.year)


def day_type(day: dt.date) -> str:
    """Which line of the opening hours applies on ``day``."""
    if is_bank_holiday(day):
        return "bank_holidays"
    return {5: "saturday", 6: "sunday"}.get(day.weekday(), "weekdays")


def _parse_range(text: str) -> Optional[TimeRange]:
    if text.strip().lower() == "closed":
        return None
    match = _RANGE.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a time range like 09:00-17:00 or 'closed'")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        start, end = dt.time(h1, m1), dt.time(h2, m2)
    except ValueError as error:
        raise ValueError(f"'{text}' has an impossible time") from error
    if end <= start:
        raise ValueError(f"'{text}' closes before it opens")
    return start, end


@dataclass(frozen=True)
class OpeningHours:
    """Opening times per day type, or always open."""

    always_open: bool
    ranges: Mapping[str, Optional[TimeRange]]

    def is_open(self, when: dt.datetime) -> bool:
        """Is the contact open at ``when`` (any aware datetime; converted to UK time)?"""
        if self.always_open:
            return True
        local = when.astimezone(UK_TZ)
        opening = self.ranges.get(day_type(local.date()))
        return opening is not None and opening[0] <= local.time() < opening[1]

    def next_opening(self, when: dt.datetime, horizon_days: int = 14) -> Optional[dt.datetime]:
        """The next time the contact opens after ``when``, in UK time (``when`` itself if open)."""
        if self.is_open(when):
            return when.astimezone(UK_TZ)
        local = when.astimezone(UK_TZ)
        for offset in range(horizon_days + 1):
            day = local.date() + dt.timedelta(days=offset)
            opening = self.ranges.get(day_type(day))
            if opening is None:
                continue
            start = dt.datetime.combine(day, opening[0], tzinfo=UK_TZ)
            if start > local:
                return start
        return None


def parse_opening_hours(raw: Union[str, Mapping[str, str], None]) -> OpeningHours:
    """Read the ``hours:`` field of a contact; raise ``ValueError`` saying what is wrong."""
    if isinstance(raw, str):
        if raw.strip() == ALWAYS_OPEN:
            return OpeningHours(always_open=True, ranges={})
        # Free text ("your hospital's usual hours") is allowed but never counts as open.
        if raw.strip():
            return OpeningHours(always_open=False, ranges={})
    if not isinstance(raw, Mapping) or not raw:
        raise ValueError("opening hours are missing: write 24/7 or times for weekdays, saturday, sunday, bank_holidays")
    unknown = set(raw) - set(DAY_TYPES)
    if unknown:
        raise ValueError(f"unknown day type(s) {', '.join(sorted(unknown))}; use {', '.join(DAY_TYPES)}")
    missing = [day for day in DAY_TYPES if day not in raw]
    if missing:
        raise ValueError(f"opening hours missing for {', '.join(missing)} (write 'closed' if closed)")
    ranges: Dict[str, Optional[TimeRange]] = {day: _parse_range(str(raw[day])) for day in DAY_TYPES}
    return OpeningHours(always_open=False, ranges=ranges)
