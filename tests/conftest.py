"""Shared test helpers: trackers built per test, the way rasa-sdk's own tests do."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker

from assistant.settings import Settings, override

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Made-up contacts for unit tests: the staff-owned content/contacts.yml changes when a number is checked,
# and no unit test should break (or pass) because of it. Integration and e2e tests run on the live file.
CONTACTS_FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "contacts.yml"
_FIXTURE_CONTACTS = pytest.StashKey[contextlib.ExitStack]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Unit tests read ``tests/fixtures/contacts.yml``, never the staff's live contacts file.

    A hook rather than a fixture: it also covers module- and session-scoped fixtures, which pytest sets
    up before any function-scoped one.
    """
    on_live_content = any(item.get_closest_marker(marker) for marker in ("integration", "scale", "e2e", "deploy"))
    if isinstance(item, pytest.Function) and not on_live_content:
        stack = contextlib.ExitStack()
        stack.enter_context(override(contacts_file=CONTACTS_FIXTURE))
        item.stash[_FIXTURE_CONTACTS] = stack


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    if _FIXTURE_CONTACTS in item.stash:
        item.stash[_FIXTURE_CONTACTS].close()


@pytest.fixture
def configure() -> Iterator[Callable[..., Settings]]:
    """Change settings for one test: ``configure(rate_limit_per_ip="2/60")`` (see ``assistant/settings.py``)."""
    with contextlib.ExitStack() as stack:
        yield lambda **changes: stack.enter_context(override(**changes))


def project_config() -> Dict[str, Any]:
    """The served ``config.yml`` (pipeline and policies), for tests that check what is really configured."""
    return yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))


def user_event(intent: str, text: str = "…") -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 1.0}}}


def make_tracker(*intents: str, slots: Optional[Dict[str, Any]] = None) -> Tracker:
    """A tracker whose user said things with these intents, in order."""
    events: List[Dict[str, Any]] = [user_event(intent) for intent in intents]
    latest = events[-1]["parse_data"] if events else {}
    return Tracker.from_dict(
        {
            "sender_id": "test-patient",
            "slots": slots or {},
            "latest_message": latest,
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture(scope="session")
def nlp():
    """The project's own spaCy pipeline (blank English + lookup lemmatizer)."""
    from assistant.nlu.spacy_pipeline import build_pipeline

    return build_pipeline()
