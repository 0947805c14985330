"""Opening hours in UK time with England & Wales bank holidays."""

from __future__ import annotations

import datetime as dt

from assistant.content.opening_hours import UK_TZ, is_bank_holiday, parse_opening_hours

OFFICE = parse_opening_hours(
    {"weekdays": "09:00-17:00", "saturday": "closed", "sunday": "closed", "bank_holidays": "closed"}
)


def test_england_bank_holidays_include_substitute_days():
    assert is_bank_holiday(dt.date(2026, 12, 25))
    assert is_bank_holiday(dt.date(2026, 12, 28))  # Boxing Day falls on a Saturday
    assert not is_bank_holiday(dt.date(2026, 3, 17))  # St Patrick's Day: Northern Ireland only


def test_always_open():
    assert parse_opening_hours("24/7").is_open(dt.datetime(2026, 12, 25, 3, 0, tzinfo=UK_TZ))


def test_closing_time_is_exclusive():
    assert OFFICE.is_open(dt.datetime(2026, 11, 25, 16, 59, tzinfo=UK_TZ))
    assert not OFFICE.is_open(dt.datetime(2026, 11, 25, 17, 0, tzinfo=UK_TZ))


def test_next_opening_after_easter_weekend():
    # Good Friday 3 April and Easter Monday 6 April 2026 are bank holidays.
    thursday_evening = dt.datetime(2026, 4, 2, 18, 0, tzinfo=UK_TZ)
    assert OFFICE.next_opening(thursday_evening) == dt.datetime(2026, 4, 7, 9, 0, tzinfo=UK_TZ)
