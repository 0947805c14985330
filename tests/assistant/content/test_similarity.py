"""Alike questions: the same question in other words is found, a different question is not."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.content.similarity import group_similar, group_vectors, near_same, similar_pairs


@pytest.mark.parametrize(
    "first, second",
    [
        ("What does CAR-T stand for?", "what does car t stand for"),
        ("whats cart therapy", "what is cart therapy please"),
        ("temprature after car t", "temperature after car t"),
        ("how long does car t take", "car t how long does it take"),
    ],
)
def test_the_same_question_in_other_words_is_near_same(first, second):
    assert near_same(first, second)


@pytest.mark.parametrize(
    "first, second",
    [
        ("what is the full name of car t", "what is the full name of jacie"),
        ("can i bring my dog to the ward", "can i bring my cat to the ward"),
        ("how long is the hospital stay", "how long until i can drive"),
        ("?", "!"),
    ],
)
def test_a_different_question_is_not_near_same(first, second):
    assert not near_same(first, second)


def test_similar_pairs_finds_rephrasings_most_alike_first():
    texts = ["where do i park", "what is car t", "where can I park at the hospital", "Where do I park?"]
    pairs = similar_pairs(texts, 0.6)
    assert (0, 3) == pairs[0][:2]
    assert {(0, 2), (2, 3)} <= {p[:2] for p in pairs}
    assert not any(1 in p[:2] for p in pairs)


def test_groups_gather_alike_questions_largest_first():
    texts = [
        "what's the weather",
        "can you book a taxi",
        "what is the weather like",
        "what is the weather tomorrow?",
        "book me a taxi",
    ]
    assert group_similar(texts, 0.5) == [[0, 2, 3], [1, 4]]
    assert group_similar([], 0.5) == []


def test_vectors_are_grouped_by_average_cosine_largest_first():
    vectors = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.95, 0.1, 0.0], [0.9, 0.0, 0.2], [0.0, 0.0, 0.0]])
    assert group_vectors(vectors, 0.8) == [[0, 2, 3], [1], [4]]
    assert group_vectors(vectors[:1], 0.8) == [[0]] and group_vectors(np.zeros((0, 3)), 0.8) == []
    assert group_vectors(vectors, -1.0) == [[0, 1, 2, 3, 4]]  # any threshold below every similarity: one group
