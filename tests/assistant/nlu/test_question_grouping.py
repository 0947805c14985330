"""Unanswered questions grouped by meaning on the question matcher's own sentence vectors (what
``POST /webhooks/staff/group`` does): alike questions together, unlike ones apart, whatever the wording."""

from __future__ import annotations

import pytest
import yaml

from assistant.content.similarity import MEANING_SIMILARITY, group_vectors
from assistant.nlu.matcher_model import MatcherSettings
from assistant.nlu.question_matcher import QuestionMatcher
from assistant.nlu.sentence_encoder import load_encoder
from tests.conftest import PROJECT_ROOT

# Unanswered questions as patients type them (none is an example of an answer): three topics and a stray one.
ALIKE = {
    "pets": ["can I bring my dog onto the ward", "are pets allowed to visit patients on the ward"],
    "appointments elsewhere": ["how do I book a flu vaccination appointment", "how do I get an appointment with my gp"],
    "a person": ["i would like to talk to a nurse", "can I speak to one of the nurses"],
}
ALONE = ["is there wifi on the ward", "who won the football last night"]


@pytest.fixture(scope="module")
def settings() -> MatcherSettings:
    """The matcher's settings in config.yml (its layers, and its rewrites such as "car t" → CAR-T)."""
    pipeline = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    node = next(c for c in pipeline if str(c.get("name", "")).endswith("QuestionMatcher"))
    return MatcherSettings.from_config({**QuestionMatcher.get_default_config(), **node})


def test_alike_questions_together_and_unlike_apart_on_the_real_encoder(settings: MatcherSettings) -> None:
    texts = [t for topic in ALIKE.values() for t in topic] + ALONE
    vectors = load_encoder(settings.layers).encode([settings.normalise(t) for t in texts])
    groups = sorted(sorted(texts[i] for i in g) for g in group_vectors(vectors, MEANING_SIMILARITY))
    assert groups == sorted([sorted(topic) for topic in ALIKE.values()] + [[t] for t in ALONE])
