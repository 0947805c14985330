"""How alike two short questions are, and groups of alike questions.

Why: the content check must spot the same question written under two answers ("what is car t" /
"What is CAR-T?"), and the insights report must count what patients asked in groups rather than as
hundreds of single lines. Character n-grams (TF-IDF, scikit-learn, already installed with Rasa) are
robust to typos, punctuation and word order, and fast enough for thousands of questions.

:func:`group_vectors` groups by meaning instead, on sentence vectors someone else computed (the Rasa server's
staff route groups the console's unanswered questions on the question matcher's own sentence encoder): "are
pets allowed on the ward" and "can I bring my dog in" share no words.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Dict, List, Sequence, Tuple

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

_NOT_WORD = re.compile(r"[\W_]+")  # any script's letters and digits are words: "有人会说中文吗" is not ""
# Words that do not change what is asked ("what is car t" = "whats car t please"). Question words stay.
FILLER_WORDS = frozenset(
    "a an the is are was be s its it it's this that of to for do does did i me my we our you your can could "
    "would will please tell about just actually really so and or any some there at on in with get have has".split()
)


def normalise(text: str) -> str:
    """Lower case, punctuation and hyphens as spaces: "CAR-T?" and "car t" read the same."""
    return _NOT_WORD.sub(" ", text.lower()).strip()


def similarity_matrix(texts: Sequence[str]) -> np.ndarray:
    """How alike every pair of texts is (0–1): the higher of two views.

    Character 2–4-grams within words (TF-IDF) see typos and spelling variants ("temprature"); the
    words that carry meaning (:func:`content_words`) see rephrasings ("where do i park" / "where can
    I park at the hospital").
    """
    if not texts:
        return np.zeros((0, 0))
    cleaned = [normalise(t) or "_" for t in texts]
    characters = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit_transform(cleaned)
    matrix = cosine_similarity(characters)
    if any(content_words(t) for t in texts):
        words = CountVectorizer(analyzer=content_words, binary=True).fit_transform(texts)
        matrix = np.maximum(matrix, cosine_similarity(words))
    return matrix


def similar_pairs(texts: Sequence[str], threshold: float) -> List[Tuple[int, int, float]]:
    """Index pairs (i < j) whose similarity reaches ``threshold``, most alike first."""
    matrix = similarity_matrix(texts)
    rows, cols = np.where(np.triu(matrix, k=1) >= threshold)
    pairs = [(int(i), int(j), float(matrix[i, j])) for i, j in zip(rows, cols, strict=False)]
    return sorted(pairs, key=lambda p: -p[2])


def group_similar(texts: Sequence[str], threshold: float) -> List[List[int]]:
    """Groups of indices of alike texts (each text joins the first group whose first text it resembles).

    Greedy "leader" grouping: simple to explain to staff ("questions like this one") and stable when
    new questions are added. Largest groups first.
    """
    matrix = similarity_matrix(texts)
    groups: List[List[int]] = []
    for index in range(len(texts)):
        for group in groups:
            if matrix[group[0], index] >= threshold:
                group.append(index)
                break
        else:
            groups.append([index])
    return sorted(groups, key=lambda g: (-len(g), g[0]))


MEANING_SIMILARITY = 0.6  # mean cosine between members of a group of sentence vectors (see group_vectors)


def group_vectors(vectors: np.ndarray, threshold: float = MEANING_SIMILARITY) -> List[List[int]]:
    """Groups of indices of texts whose vectors are alike: average-linkage clustering on cosine similarity, cut
    where the average similarity between two groups falls below ``threshold``. Largest groups first, members in
    their original order.

    Why average linkage rather than the "leader" grouping of :func:`group_similar`: a group's members must be
    alike on average, not only like the first one asked; a chain of near neighbours does not join two topics.
    The threshold was chosen on the project's own unanswered questions (docs/running.md gives the figures).
    """
    count = len(vectors)
    if count == 0:
        return []
    if count == 1:
        return [[0]]
    rows = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    rows = rows / np.where(norms == 0, 1.0, norms)
    distances = np.clip(1.0 - rows @ rows.T, 0.0, 2.0)
    condensed = distances[np.triu_indices(count, k=1)]
    labels = fcluster(linkage(condensed, method="average"), t=1.0 - threshold, criterion="distance")
    found: Dict[int, List[int]] = {}
    for index, label in enumerate(labels):
        found.setdefault(int(label), []).append(index)
    return sorted(found.values(), key=lambda g: (-len(g), g[0]))


def content_words(text: str) -> List[str]:
    """The words of a question that carry its meaning, in order."""
    return [w for w in normalise(text).split() if w not in FILLER_WORDS]


def near_same(first: str, second: str) -> bool:
    """The same question in other words only by filler, order, punctuation or one small typo.

    "What does CAR-T stand for?" and "what does car t stand for" are near-same; "full name of car t"
    and "full name of jacie" are not (the word that matters differs).
    """
    a, b = sorted(content_words(first)), sorted(content_words(second))
    if a == b:
        return bool(a)
    if len(a) != len(b):
        return False
    differing = [(x, y) for x, y in zip(a, b, strict=False) if x != y]
    if len(differing) > 2:
        return False
    unmatched_a = sorted(set(a) - set(b))
    unmatched_b = sorted(set(b) - set(a))
    if len(unmatched_a) != 1 or len(unmatched_b) != 1:
        return False
    x, y = unmatched_a[0], unmatched_b[0]
    return min(len(x), len(y)) >= 4 and SequenceMatcher(None, x, y).ratio() >= 0.8
