"""Staff-edited files the running servers read again when they change, keeping the last good version if an edit
breaks them: the one way this project watches a file.

Why one mechanism: contacts, answers, example questions, system texts, sources and translations are edited by
staff while the assistant runs, and a patient must never meet a half-saved or broken file. Four hand-made ways
of doing this drifted (one re-read the contacts on every handoff with no fallback at all). Here:

- a change is noticed by each file's modification time and size (one ``stat`` per file per look: cheap enough
  to look on every message), for a file or for every ``*.yml`` of a folder (files added or removed count);
- the value is built by the caller's ``read`` function, which is given the previous good value (so it can keep,
  say, the last good version of one answer while taking the others);
- a read that fails at start-up raises (the server must not start with a broken file); later it is logged and
  the last good value stays in service until the file is fixed.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable, Generic, List, Optional, Sequence, Tuple, TypeVar, Union

logger = logging.getLogger(__name__)
T = TypeVar("T")
Signature = Tuple[Tuple[str, int, int], ...]


def yaml_files(directory: Path) -> List[Path]:
    """The ``*.yml`` files of a folder, in name order (none when it does not exist)."""
    return sorted(p for p in directory.glob("*.yml") if p.is_file()) if directory.is_dir() else []


class Watched(Generic[T]):
    """A value read from staff-edited files, read again when they change (see the module's docstring).

    ``source``: one file, or a folder whose ``*.yml`` files are watched. ``read(previous)`` builds the value
    from the files as they are now; ``previous`` is the last good value (None the first time).
    """

    def __init__(self, source: Union[Path, Sequence[Path]], read: Callable[[Optional[T]], T], name: str = "") -> None:
        self.source = source
        self.read = read
        self.name = name or str(source)
        self._lock = threading.Lock()
        self._signature = self._look()
        self._value: T = read(None)
        self.failed = False  # the latest edit could not be read: the last good value is in service

    def paths(self) -> List[Path]:
        if isinstance(self.source, Path):
            return yaml_files(self.source) if self.source.is_dir() else [self.source]
        return list(self.source)

    def _look(self) -> Signature:
        signature = []
        for path in self.paths():
            try:
                stat = path.stat()
            except OSError:
                continue
            signature.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(signature)

    def changed(self) -> bool:
        """Whether the files differ from when they were last read."""
        return self._look() != self._signature

    def current(self) -> T:
        """The value for the files as they are now, or the last good one if they cannot be read."""
        signature = self._look()
        if signature == self._signature:
            return self._value
        with self._lock:
            if signature != self._signature:
                try:
                    self._value = self.read(self._value)
                    self.failed = False
                    logger.info("Reloaded %s", self.name)
                except Exception:  # keep serving the last good version rather than break every answer
                    self.failed = True
                    logger.exception("%s is broken after an edit; still using the last good version", self.name)
                self._signature = signature
        return self._value


def watched_file(path: Path, parse: Callable[[Path], T]) -> Watched[T]:
    """A single file parsed by ``parse`` (which raises when the file is broken)."""
    return Watched(path, lambda _previous: parse(path), name=str(path))
