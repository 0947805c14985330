"""Sessions, CSRF tokens and the sign-in limit: what keeps the console to the people it is for.

Why each:
- sessions live on the server (a random id in an HttpOnly, SameSite=Strict cookie, Secure behind HTTPS) and end
  after :data:`IDLE_SECONDS` without a request, so a laptop left open on a ward does not stay signed in;
- every form carries a CSRF token bound to the session (the sign-in form: to a cookie of its own), compared in
  constant time, so another site cannot post a form on a signed-in reviewer's behalf;
- wrong passwords are limited per username and per address (:data:`MAX_FAILURES` in :data:`WINDOW_SECONDS`), so
  a password cannot be guessed by trying many, from one place or from many against one account.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Callable, Deque, Dict, Optional

IDLE_SECONDS = 30 * 60
MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
MAX_TRACKED = 10_000
SESSION_COOKIE = "console_session"
SIGN_IN_COOKIE = "console_sign_in"


@dataclass
class Session:
    username: str
    role: str
    csrf: str
    last_seen: float


def same(given: Optional[str], expected: Optional[str]) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(str(given), str(expected))


@dataclass
class Sessions:
    """The signed-in sessions of this console process (a restart signs everyone out, which is safe)."""

    clock: Callable[[], float] = time.time
    idle_seconds: float = IDLE_SECONDS
    _sessions: Dict[str, Session] = field(default_factory=dict)

    def start(self, username: str, role: str) -> str:
        now = self.clock()
        for stale in [t for t, s in self._sessions.items() if now - s.last_seen > self.idle_seconds]:
            del self._sessions[stale]
        token = secrets.token_urlsafe(32)
        self._sessions[token] = Session(username, role, secrets.token_urlsafe(32), self.clock())
        return token

    def get(self, token: Optional[str]) -> Optional[Session]:
        """The session, its idle time renewed; None when unknown or idle too long (it is then ended)."""
        session = self._sessions.get(token or "")
        if session is None:
            return None
        now = self.clock()
        if now - session.last_seen > self.idle_seconds:
            self.end(token)
            return None
        session.last_seen = now
        return session

    def expired(self, token: Optional[str]) -> bool:
        """Whether ``token`` names a session that has been idle too long (checked before :meth:`get`)."""
        session = self._sessions.get(token or "")
        return session is not None and self.clock() - session.last_seen > self.idle_seconds

    def end(self, token: Optional[str]) -> None:
        self._sessions.pop(token or "", None)


@dataclass
class SignInLimit:
    """Failed sign-ins per username and per address in a sliding window."""

    clock: Callable[[], float] = time.time
    max_failures: int = MAX_FAILURES
    window: float = WINDOW_SECONDS
    _failures: Dict[str, Deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def _recent(self, key: str) -> Deque[float]:
        times = self._failures[key]
        while times and self.clock() - times[0] > self.window:
            times.popleft()
        return times

    def blocked(self, username: str, address: str) -> bool:
        return any(len(self._recent(key)) >= self.max_failures for key in (f"user:{username.lower()}", f"ip:{address}"))

    def failed(self, username: str, address: str) -> None:
        if len(self._failures) > MAX_TRACKED:  # many names tried: forget the ones whose window has passed
            for key in [k for k in self._failures if not self._recent(k)]:
                del self._failures[key]
        for key in (f"user:{username.lower()}", f"ip:{address}"):
            self._recent(key).append(self.clock())

    def succeeded(self, username: str) -> None:
        self._failures.pop(f"user:{username.lower()}", None)
