"""The latest publication, written into this server's served folder, where the watched files take it up.

Why: staff publish from the console (:mod:`assistant.content.publications`: every content file the servers read,
as one snapshot in the content database). Every Rasa server, however many replicas and wherever they run, and
the action server (the contacts of the handoff) look at the latest publication's number about once a second;
when it changes they write that publication's files into ``served_content_dir``
(:func:`assistant.content.served` points every watched file there), and the watched files
(:mod:`assistant.content.watched`, the live examples of :mod:`assistant.nlu.live_examples`) read them again at
their next look. No restart, no shared disk: only the database.

- Each file is written to a temporary name and renamed over the old one: a reader sees the old file or the new
  one, never half of one. Only the files that differ are written; a file the publication no longer has is
  removed. Paths are only those a publication may hold (``PUBLISHED_FILES``): a database row can never make a
  server write anywhere else.
- The database is asked in a worker thread, never on the server's event loop: a slow or unreachable database
  delays no patient's turn. An error is logged (once until it recovers) and asked again at the next look; the
  files last written stay in service.
- At start (before the model and its watched files load) the first look is made at once. Nothing published
  yet: the repository's files are served (a fresh deployment); the database unreachable and nothing served
  before: the repository's files too, with an error in the log, until the database answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import logging
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any, Dict, Optional

from assistant.content import publications
from assistant.settings import ROOT, settings

logger = logging.getLogger(__name__)

MARKER = ".publication"  # the number of the publication the folder holds (0: the repository's files)
INTERVAL_SECONDS = 1.0


def is_published_path(relative: str) -> bool:
    """Whether a publication may hold ``relative``: one of ``PUBLISHED_FILES`` exactly, nothing above or beside."""
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or "\\" in relative or not relative:
        return False
    return any(fnmatch.fnmatchcase(relative, pattern) and "/" not in relative[pattern.rfind("/") + 1 :]
               for pattern in publications.PUBLISHED_FILES)  # fmt: skip


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def served_number(folder: Path) -> Optional[int]:
    """The number of the publication ``folder`` holds (0: the repository's files), None when it holds none."""
    try:
        return int((folder / MARKER).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


def write_publication(folder: Path, files: Dict[str, str], number: int) -> int:
    """Make ``folder`` hold exactly ``files`` (relative path: text) as publication ``number``; how many files
    were written or removed. A path a publication may not hold is refused (logged), never written."""
    changed = 0
    wanted = {}
    for relative, text in files.items():
        if is_published_path(relative):
            wanted[relative] = text
        else:
            logger.error("Publication %d names a file it may not hold (%r): not written", number, relative)
    for relative, text in sorted(wanted.items()):
        path = folder / relative
        try:
            if path.read_text(encoding="utf-8") == text:
                continue
        except (OSError, UnicodeDecodeError):
            pass
        _write_atomically(path, text)
        changed += 1
    for pattern in publications.PUBLISHED_FILES:
        for path in sorted(folder.glob(pattern)):
            if path.is_file() and path.relative_to(folder).as_posix() not in wanted:
                with contextlib.suppress(FileNotFoundError):  # another server on this machine removed it first
                    path.unlink()
                changed += 1
    _write_atomically(folder / MARKER, f"{number}\n")
    return changed


class PublishedContent:
    """Keeps one server's served folder on the latest publication (see the module's docstring)."""

    def __init__(self, folder: Path, url: str = "", interval: float = INTERVAL_SECONDS, root: Path = ROOT) -> None:
        self.folder = folder
        self.url = url
        self.interval = interval
        self.root = root
        self.number = served_number(folder)
        self.failing = False

    def look(self) -> bool:
        """One look at the database (blocking: call it from a worker thread once the server runs); True when a
        new publication was written. A database error is logged and the files in service are kept."""
        try:
            latest = publications.latest_number(self.url)
            if latest == self.number:
                self._recovered()
                return False
            if latest == 0:
                files = publications.snapshot(self.root)
                logger.warning("Nothing published yet: serving the repository's content files from %s", self.folder)
            else:
                publication = publications.load(latest, self.url)
                if publication is None:  # cannot happen with a number just read; look again next time
                    return False
                files = publication.files
        except Exception as error:  # any database failure: keep what is served, ask again next time
            if not self.failing:
                logger.error(
                    "Cannot read the published content (%s); still serving publication %s, asking again every %.0f s",
                    type(error).__name__,
                    self.number,
                    self.interval,
                )
            self.failing = True
            return False
        self._recovered()
        changed = write_publication(self.folder, files, latest)
        logger.info("Now serving publication %d (%d files changed) from %s", latest, changed, self.folder)
        self.number = latest
        return True

    def start(self) -> None:
        """The first look, at start-up (blocking, before the watched files are first read): the server must
        not start with nothing to serve, so an unreachable database with an empty folder serves the
        repository's files until it answers."""
        self.folder.mkdir(parents=True, exist_ok=True)
        before, self.number = self.number, None  # write the files again even if the number is the same
        if self.look():
            return
        if before is not None:
            logger.error("Serving publication %d as written before (the database cannot be read)", before)
            self.number = before
            return
        logger.error("No published content could be read: serving the repository's files until it can")
        write_publication(self.folder, publications.snapshot(self.root), 0)

    async def keep_current(self) -> None:
        """Look again every ``interval`` seconds, each look in a worker thread, until cancelled."""
        while True:
            await asyncio.sleep(self.interval)
            try:
                await asyncio.to_thread(self.look)
            except Exception:  # writing failed (disk full?): keep serving and try again
                logger.exception("Could not write the published content into %s", self.folder)

    def _recovered(self) -> None:
        if self.failing:
            logger.info("The published content can be read again")
        self.failing = False


def start_serving(app: Any, loop: Any) -> Optional[PublishedContent]:
    """In a server's start-up (before its model loads): the first look, then a background task on the server's
    loop; nothing when ``served_content_dir`` is not set (the repository's files are served)."""
    folder = settings().served_content_dir
    if folder is None:
        return None
    served = PublishedContent(folder, settings().content_db_url)
    served.start()
    app.ctx.published_content = served
    app.ctx.published_content_task = loop.create_task(served.keep_current())
    return served


async def stop_serving(app: Any, loop: Any) -> None:
    """Cancel the background task (the server is stopping)."""
    task = getattr(app.ctx, "published_content_task", None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
