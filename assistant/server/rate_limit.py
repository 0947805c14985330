"""In-process rate limiting of the chat endpoints, per conversation and per client IP address.

Why: one script hammering the webhook can take the whole Rasa server (one process, ~20-40 turns/s
here) away from patients. A person types a message every few seconds at most, so the limits below
are far above human use. Limits are counted in a sliding window, in memory (one Rasa process per
deployment here; behind several processes, put the same limits in the reverse proxy).

Its settings (``assistant/settings.py``), as ``<count>/<seconds>``: ``rate_limit_per_session`` (default
``30/60``: messages per conversation, and per connection) and ``rate_limit_per_ip`` (default ``300/60``:
messages per client address; a hospital or care home may put many patients behind one, hence generous).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Deque, Dict, Optional, Tuple

from assistant.settings import settings


def parse_limit(setting: str) -> Tuple[int, float]:
    """``"30/60"`` → (30 requests, 60 seconds). Raises ``ValueError`` on anything else."""
    count, _, seconds = setting.strip().partition("/")
    limit = (int(count), float(seconds or 60))
    if limit[0] < 1 or limit[1] <= 0:
        raise ValueError(f"rate limit must be '<count>/<seconds>' with positive numbers, not {setting!r}")
    return limit


class SlidingWindow:
    """At most ``limit`` hits per key within any ``window`` seconds.

    Keys idle for a whole window are forgotten once per window, so the table holds only the
    conversations of the last minute or two. Why: most conversations are short and never come back;
    kept until a size cap, they grew the server's memory for an hour (the soak measured +4% after
    minute 10, ~80,000 idle conversations).
    """

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: Dict[str, Deque[float]] = {}
        self._last_sweep = clock()

    def __len__(self) -> int:
        """How many keys are tracked."""
        return len(self._hits)

    def _recent(self, key: str, now: float) -> Deque[float]:
        if now - self._last_sweep >= self.window:
            self._forget_idle(now)
            self._last_sweep = now
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def has_room(self, key: str) -> bool:
        return len(self._recent(key, self.clock())) < self.limit

    def record(self, key: str) -> None:
        self._recent(key, self.clock()).append(self.clock())

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]:
            del self._hits[key]


@dataclass
class ChatRateLimiter:
    """A message is accepted when its conversation, its connection (socket.io) and its address are all under
    their limits. A connection has the conversation's limit: a client that names a new conversation with every
    message is still one connection.

    Refused messages are not counted, so a client that slows down is served again at once.
    """

    per_session: SlidingWindow
    per_ip: SlidingWindow
    per_connection: SlidingWindow

    def allow(self, session: str, ip: Optional[str], connection: Optional[str] = None) -> bool:
        ip_key = ip or "unknown"
        if not (self.per_session.has_room(session) and self.per_ip.has_room(ip_key)):
            return False
        if connection is not None and not self.per_connection.has_room(connection):
            return False
        self.per_session.record(session)
        self.per_ip.record(ip_key)
        if connection is not None:
            self.per_connection.record(connection)
        return True

    @classmethod
    def from_settings(
        cls, per_session: str, per_ip: str, clock: Callable[[], float] = time.monotonic
    ) -> "ChatRateLimiter":
        return cls(
            SlidingWindow(*parse_limit(per_session), clock=clock),
            SlidingWindow(*parse_limit(per_ip), clock=clock),
            SlidingWindow(*parse_limit(per_session), clock=clock),
        )


def chat_rate_limiter() -> ChatRateLimiter:
    """The process's one limiter for its settings, shared by the REST and socket.io channels."""
    current = settings()
    return _limiter(current.rate_limit_per_session, current.rate_limit_per_ip)


@lru_cache(maxsize=4)
def _limiter(per_session: str, per_ip: str) -> ChatRateLimiter:
    return ChatRateLimiter.from_settings(per_session, per_ip)


def forget_all_clients() -> None:
    """Start every count afresh (tests)."""
    _limiter.cache_clear()
