"""The staff figures as the console shows them: read from the conversation store at most once a minute.

Why a cache: the figures are made from every stored conversation (:class:`assistant.staff.figures.Reader`), which
takes a while on a large store, and several staff may open the impact page or an answer's page at once. The console
keeps one read (the latest; the one before is dropped) for ``seconds`` (60 by default: the figures a page shows are
at most a minute old), and what it made from that read (the impact figures per period, the answers' versions) until
the next read: a fixed handful of entries, so the memory it holds is bounded by one read. Only one read runs at a
time, in a worker thread, so pages keep answering while it runs; the others wait for it and share its result.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Callable, Dict, Hashable, Optional

from assistant.staff.figures import Reader, StaffData

DEFAULT_SECONDS = 60.0


class FiguresUnavailable(Exception):
    """The conversation store could not be read (not configured, or not reachable)."""


class _Read:
    """One read and what was made from it (replaced as a whole, so a page never mixes two reads)."""

    def __init__(self, data: StaffData, at: float) -> None:
        self.data, self.at = data, at
        self.derived: Dict[Hashable, Any] = {}


class FiguresCache:
    """One read of the staff figures, renewed when older than ``seconds``."""

    def __init__(self, reader: Reader, seconds: float = DEFAULT_SECONDS, clock: Callable[[], float] = time.time):
        self.reader, self.seconds, self.clock = reader, seconds, clock
        self._read: Optional[_Read] = None
        self._reading = threading.Lock()

    def _fresh(self) -> Optional[_Read]:
        read = self._read
        return read if read is not None and self.clock() - read.at < self.seconds else None

    def _refresh(self) -> StaffData:
        with self._reading:
            read = self._fresh()  # another request may have read it while this one waited
            if read is None:
                try:
                    data = self.reader.read()
                except (Exception, SystemExit) as error:  # SystemExit: the endpoints file names no store
                    raise FiguresUnavailable(str(error)) from error
                read = self._read = _Read(data, self.clock())
            return read.data

    async def get(self) -> StaffData:
        """The figures' data, read again (in a worker thread) when the last read is older than ``seconds``."""
        read = self._fresh()
        if read is not None:
            return read.data
        return await asyncio.to_thread(self._refresh)

    def latest(self) -> Optional[StaffData]:
        """The last read, however old, without reading (None before the first read)."""
        return self._read.data if self._read is not None else None

    def derived(self, key: Hashable, make: Callable[[StaffData], Any]) -> Any:
        """What ``make`` builds from the latest read, built once per read (``key`` names it)."""
        read = self._read
        if read is None:
            raise FiguresUnavailable("nothing read yet")
        if key not in read.derived:
            read.derived[key] = make(read.data)
        return read.derived[key]
