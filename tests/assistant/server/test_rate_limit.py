"""Chat messages are limited per conversation and per address, in a sliding window."""

from __future__ import annotations

import pytest

from assistant.server.rate_limit import ChatRateLimiter, SlidingWindow, parse_limit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_parse_limit():
    assert parse_limit("30/60") == (30, 60.0)
    assert parse_limit(" 5/1.5 ") == (5, 1.5)
    for bad in ("0/60", "x/60", "5/-1", ""):
        with pytest.raises(ValueError):
            parse_limit(bad)


def test_a_conversation_over_its_limit_is_refused_until_the_window_moves_on():
    clock = Clock()
    limiter = ChatRateLimiter.from_settings("3/60", "100/60", clock=clock)
    assert [limiter.allow("s1", "1.2.3.4") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("s2", "1.2.3.4")  # another conversation from the same address is served
    clock.now += 61
    assert limiter.allow("s1", "1.2.3.4")


def test_an_address_over_its_limit_is_refused_whatever_the_conversation():
    limiter = ChatRateLimiter.from_settings("100/60", "2/60", clock=Clock())
    assert limiter.allow("a", "9.9.9.9") and limiter.allow("b", "9.9.9.9")
    assert not limiter.allow("c", "9.9.9.9")
    assert limiter.allow("d", "8.8.8.8")


def test_refused_messages_are_not_counted():
    clock = Clock()
    limiter = ChatRateLimiter.from_settings("2/10", "100/60", clock=clock)
    limiter.allow("s", None), limiter.allow("s", None)
    clock.now += 5
    assert not limiter.allow("s", None)
    clock.now += 5.5  # the first two are out of the window; the refused one never counted
    assert limiter.allow("s", None) and limiter.allow("s", None)


def test_conversations_idle_for_a_window_are_forgotten_so_memory_stays_bounded():
    clock = Clock()
    window = SlidingWindow(1, 60, clock=clock)
    for minute in range(10):
        for i in range(100):
            window.record(f"{minute}-{i}")  # a hundred new conversations a minute, none coming back
        clock.now += 60
    assert len(window) <= 200


def test_a_conversation_still_in_its_window_is_not_forgotten():
    clock = Clock()
    window = SlidingWindow(1, 60, clock=clock)
    window.record("busy")
    clock.now += 59
    window.record("other")
    clock.now += 2  # a sweep happens here: "busy" is idle for 61 s, "other" for 2 s
    window.record("new")
    assert window.has_room("busy") and not window.has_room("other")
