"""The question matcher's arithmetic: the same examples give the same model, confidences are probabilities, and a
saved model answers exactly as the one that was trained."""

from __future__ import annotations

import random

import numpy as np
import pytest

from assistant.nlu.matcher_model import (
    MatcherSettings,
    TrainedMatcher,
    calibration_fold,
    sorted_examples,
)
from assistant.nlu.sentence_encoder import load_encoder
from tests.assistant.nlu.matcher_data import EXAMPLES

SETTINGS = MatcherSettings(layers=(6, 4), rewrites=((r"\bcar[\s-]?t\b", "CAR-T"),))
QUESTIONS = [
    "could you tell me what car t treatment is",
    "am i allowed to drive after the infusion",
    "does car-t cost anything",
    "hello!",
    "what's jacie about",
    "book me a table for two",
]


def encode(texts):
    return load_encoder(SETTINGS.layers).encode([SETTINGS.normalise(t) for t in texts])


def fit(examples, settings=SETTINGS) -> TrainedMatcher:
    examples = sorted_examples(examples)
    return TrainedMatcher.fit(examples, encode([t for t, _ in examples]), settings)


@pytest.fixture(scope="module")
def examples():
    return [(text, label) for label, texts in EXAMPLES.items() for text in texts]


@pytest.fixture(scope="module")
def matcher(examples):
    return fit(examples)


def predict(matcher: TrainedMatcher, texts):
    probabilities = matcher.probabilities(texts, encode(texts))
    return [matcher.labels[i] for i in probabilities.argmax(axis=1)], probabilities


def test_new_wordings_find_their_answer_or_intent(matcher):
    labels, _ = predict(matcher, QUESTIONS)
    assert labels == ["cart/what_is", "cart/driving", "cart/cost", "greet", "jacie/what_is", "out_of_scope"]


def test_confidences_are_probabilities_softened_by_one_temperature(matcher):
    _, probabilities = predict(matcher, QUESTIONS)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert 0.05 < matcher.temperature < 5.0


def test_the_same_examples_in_another_order_give_the_same_model_bit_for_bit(examples, matcher):
    shuffled = list(examples) * 2  # in any order, and an example written twice counts once
    random.Random(7).shuffle(shuffled)
    again = fit(shuffled)
    assert again.labels == matcher.labels
    assert np.array_equal(again.coef, matcher.coef) and np.array_equal(again.intercept, matcher.intercept)
    assert again.temperature == matcher.temperature


def test_a_saved_model_answers_exactly_as_the_trained_one(matcher, tmp_path):
    matcher.save(tmp_path)
    loaded = TrainedMatcher.load(tmp_path, SETTINGS)
    assert np.array_equal(predict(loaded, QUESTIONS)[1], predict(matcher, QUESTIONS)[1])
    assert not list(tmp_path.glob("*.pkl")), "a model file must not need unpickling"


def test_rewrites_apply_before_matching():
    assert SETTINGS.normalise("is cart or car t or Car-T safe") == "is CAR-T or CAR-T or CAR-T safe"
    assert SETTINGS.normalise("my car is red; a cartoon") == "my car is red; a cartoon"


def test_an_examples_calibration_fold_does_not_depend_on_the_other_examples():
    example = ("what is car t", "cart/what_is")
    assert calibration_fold(example, 3) == calibration_fold(("what is car t", "cart/what_is"), 3)
    assert {calibration_fold((f"question {n}", "x"), 3) for n in range(30)} == {0, 1, 2}


def test_two_labels_are_enough():
    two = [(t, label) for label in ("greet", "goodbye") for t in EXAMPLES[label]]
    labels, probabilities = predict(fit(two), ["good evening", "see you later"])
    assert labels == ["greet", "goodbye"] and probabilities.shape == (2, 2)


def test_one_label_is_refused_in_plain_words():
    with pytest.raises(ValueError, match="at least two answers or intents"):
        fit([(t, "greet") for t in EXAMPLES["greet"]])


@pytest.mark.parametrize(
    "config, message",
    [
        ({"calibration_folds": 1}, "calibration_folds must be at least 2"),
    ],
)
def test_settings_that_cannot_work_are_refused(config, message):
    from assistant.nlu.question_matcher import QuestionMatcher

    with pytest.raises(ValueError, match=message):
        MatcherSettings.from_config({**QuestionMatcher.get_default_config(), **config})


# -- live learning's quick update (refit) ------------------------------------------------------------------------
NEW_EXAMPLE = ("is a long car journey ok once the cells are in", "cart/driving")


def refit(matcher: TrainedMatcher, examples) -> TrainedMatcher:
    examples = sorted_examples(examples)
    return matcher.refit(examples, encode([t for t, _ in examples]))


def test_a_quick_update_on_the_same_examples_changes_nothing(examples, matcher):
    updated = refit(matcher, examples)
    assert updated.labels == matcher.labels and updated.temperature == matcher.temperature
    assert np.abs(updated.coef - matcher.coef).max() < 1e-3
    assert predict(updated, QUESTIONS)[0] == predict(matcher, QUESTIONS)[0]


def test_a_quick_update_learns_a_new_example_and_keeps_the_other_answers(examples, matcher):
    updated = refit(matcher, [*examples, NEW_EXAMPLE])
    labels, probabilities = predict(updated, [NEW_EXAMPLE[0]])
    before = predict(matcher, [NEW_EXAMPLE[0]])[1][0][matcher.labels.index("cart/driving")]
    assert labels == ["cart/driving"] and probabilities[0].max() > before
    assert predict(updated, QUESTIONS)[0] == predict(matcher, QUESTIONS)[0]
    assert updated.vectorizer.vocabulary_ == matcher.vectorizer.vocabulary_  # the model's own features, kept


def test_a_quick_update_learns_a_label_the_model_did_not_have(examples, matcher):
    parking = [
        ("where do i park my car at the hospital", "service/parking"),
        ("is there a car park", "service/parking"),
    ]
    updated = refit(matcher, [*examples, *parking])
    assert "service/parking" in updated.labels and len(updated.labels) == len(matcher.labels) + 1
    assert predict(updated, ["where can i park at the hospital"])[0] == ["service/parking"]


def test_a_quick_update_is_the_same_whatever_the_order_of_the_examples(examples, matcher):
    shuffled = [*examples, NEW_EXAMPLE]
    random.Random(3).shuffle(shuffled)
    assert np.array_equal(refit(matcher, shuffled).coef, refit(matcher, [*examples, NEW_EXAMPLE]).coef)
