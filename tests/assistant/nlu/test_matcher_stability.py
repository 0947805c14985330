"""Stability on the real data: an example question added to one answer changes nothing for the others.

Why: with the old classifiers every new example reshuffled training and moved answers nobody touched, so each
content change needed a retrain, a cross-validation and a fresh-clone CI. The matcher's optimum is unique and
an example moves it only a little. This trains the served settings on ``data/nlu`` twice, without and with
one new example, and asks both models every conversation-test message, every end-to-end scenario message
and every held-out question that is not about that answer: each must get the same label, on the same side of
the served confidence threshold (answered, or "not sure").
"""

from __future__ import annotations

from typing import List, Tuple

import pytest

from assistant.nlu.live_examples import read_example_files
from assistant.nlu.matcher_model import MatcherSettings, TrainedMatcher, sorted_examples
from assistant.nlu.question_matcher import QuestionMatcher
from assistant.nlu.sentence_encoder import load_encoder
from tests.assistant.nlu.test_question_matcher import served_config
from tests.conftest import PROJECT_ROOT

ADDED = ("could you describe car t therapy for someone who knows nothing about it", "cart/what_is")


def probe_messages() -> List[Tuple[str, str]]:
    """(message, the answer or intent it is about, "" when the test does not say) from every kind of test."""
    from assistant.content.catalogue import read_tests
    from testkit.loader import load_scenarios
    from testkit.trial import load_questions

    probes = [(q.text, q.expected) for q in load_questions([PROJECT_ROOT / "tests" / "heldout"])]
    for path in sorted((PROJECT_ROOT / "tests").glob("test_*.yml")):
        probes += [(t.text, t.key) for t in read_tests(path)[0]]
    for scenario in load_scenarios():
        probes += [
            (str(step.message), step.expect.answer or "")
            for step in scenario.steps
            if step.say is not None and step.repeat == 1
        ]
    return sorted(set(probes))


@pytest.fixture(scope="module")
def settings() -> MatcherSettings:
    return MatcherSettings.from_config({**QuestionMatcher.get_default_config(), **served_config("QuestionMatcher")})


@pytest.fixture(scope="module")
def encoded(settings):
    found = read_example_files(PROJECT_ROOT / "data" / "nlu")
    assert not found.problems
    examples = sorted_examples(found.examples)
    encoder = load_encoder(settings.layers)
    texts = sorted({t for t, _ in examples} | {ADDED[0]} | {t for t, _ in probe_messages()})
    return dict(zip(texts, encoder.encode([settings.normalise(t) for t in texts]), strict=False)), examples


def trained(examples, encoded, settings) -> TrainedMatcher:
    import numpy as np

    examples = sorted_examples(examples)
    return TrainedMatcher.fit(examples, np.vstack([encoded[t] for t, _ in examples]), settings)


def answers(model: TrainedMatcher, texts, encoded, threshold: float):
    import numpy as np

    probabilities = model.probabilities(texts, np.vstack([encoded[t] for t in texts]))
    return [(model.labels[row.argmax()], bool(row.max() >= threshold)) for row in probabilities]


def test_one_new_example_for_one_answer_moves_no_other_answer(encoded, settings):
    vectors, examples = encoded
    assert ADDED not in examples
    threshold = float(served_config("FallbackClassifier")["threshold"])
    probes = [(text, about) for text, about in probe_messages() if about != ADDED[1] and not about.startswith("cart/*")]
    texts = [text for text, _ in probes]
    before = answers(trained(examples, vectors, settings), texts, vectors, threshold)
    after = answers(trained(examples + [ADDED], vectors, settings), texts, vectors, threshold)
    moved = [(text, b, a) for text, b, a in zip(texts, before, after, strict=False) if b != a]
    assert len(texts) > 150
    assert moved == [], f"{len(moved)} of {len(texts)} messages about other answers changed: {moved}"
