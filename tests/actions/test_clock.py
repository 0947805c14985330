"""The action server's clock is real time unless the test clock was switched on at start."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

import actions.clock
from assistant.content.opening_hours import UK_TZ
from assistant.settings import TEST_CLOCK_VARIABLE, Settings

CHRISTMAS_MORNING = {"test_clock": "2026-12-25T10:00"}


def reload_clock(configure, value):
    """Import the clock module again, as an action server started with this environment would."""
    environment = {} if value is None else {TEST_CLOCK_VARIABLE: value}
    configure(test_clock=Settings.from_environment(environment).test_clock)
    return importlib.reload(actions.clock)


@pytest.fixture(autouse=True)
def restore_clock_module():
    yield
    importlib.reload(actions.clock)


def is_real_now(when: dt.datetime) -> bool:
    return abs((when - dt.datetime.now(tz=UK_TZ)).total_seconds()) < 60


@pytest.mark.parametrize("value", [None, "", "0", "true", "yes"])
def test_without_the_test_clock_switch_metadata_cannot_change_the_time(configure, value):
    clock = reload_clock(configure, value)
    assert not clock.TEST_CLOCK_ENABLED
    assert is_real_now(clock.now_uk(CHRISTMAS_MORNING))


def test_setting_the_variable_after_start_does_not_switch_it_on(configure):
    clock = reload_clock(configure, None)
    configure(test_clock=True)
    assert is_real_now(clock.now_uk(CHRISTMAS_MORNING))


def test_with_the_test_clock_on_metadata_sets_uk_local_time(configure):
    clock = reload_clock(configure, "1")
    assert clock.now_uk(CHRISTMAS_MORNING) == dt.datetime(2026, 12, 25, 10, 0, tzinfo=UK_TZ)


def test_an_offset_is_converted_to_uk_time(configure):
    clock = reload_clock(configure, "1")
    when = clock.now_uk({"test_clock": "2026-07-01T09:00+00:00"})
    assert when.hour == 10 and when.utcoffset() == dt.timedelta(hours=1)  # British Summer Time


@pytest.mark.parametrize("metadata", [None, {}, {"test_clock": "next tuesday"}, {"test_clock": 42}])
def test_with_the_test_clock_on_missing_or_unreadable_values_give_real_time(configure, metadata):
    clock = reload_clock(configure, "1")
    assert is_real_now(clock.now_uk(metadata))
