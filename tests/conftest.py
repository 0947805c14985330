"""Shared test helpers: trackers built per test, the way rasa-sdk's own tests do."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker

PROJECT_ROOT = Path(__file__).resolve().parents[1]


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
