"""Delete conversations older than the retention period (``make purge``, or a scheduler).

Why: personal data must not be kept longer than needed. Even redacted, a conversation is a record
of someone's health worries; the period is ``retention_days`` of the tracker store in ``endpoints.yml`` (30
days; ``--days`` overrides it for one run). Run it daily, e.g. from
cron: ``0 3 * * * cd /srv/cart-assistant && make purge``; or call :func:`purge_expired` from any
scheduler in Python.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Optional

from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import read_endpoints_from_path

from assistant.settings import apply_library_environment, settings
from assistant.store.redacting import RedactingSQLTrackerStore, unwrap

logger = logging.getLogger(__name__)

DEFAULT_ENDPOINTS = settings().endpoints


def load_store(endpoints: Path = DEFAULT_ENDPOINTS) -> RedactingSQLTrackerStore:
    """The tracker store ``endpoints.yml`` configures; it must be the redacting SQL store."""
    apply_library_environment()
    config = read_endpoints_from_path(str(endpoints)).tracker_store
    store = unwrap(TrackerStore.create(config))
    if store is None:
        raise SystemExit(f"{endpoints}: tracker_store must be assistant.store.redacting.RedactingSQLTrackerStore")
    return store


def purge_expired(endpoints: Path = DEFAULT_ENDPOINTS, days: Optional[float] = None) -> int:
    """Delete every stored event older than the retention period; returns how many were deleted."""
    return load_store(endpoints).purge_older_than(days)


def main(argv: Optional[list] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=Path, default=DEFAULT_ENDPOINTS)
    parser.add_argument("--days", type=float, default=None, help="override the retention period (days)")
    args = parser.parse_args(argv)
    if args.days is not None and args.days < 0:
        sys.exit("--days must be 0 or more")
    deleted = purge_expired(args.endpoints, args.days)
    print(f"purge: deleted {deleted} events older than the retention period")


if __name__ == "__main__":
    main()
