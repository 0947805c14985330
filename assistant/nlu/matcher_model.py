"""The arithmetic of the question matcher: features, a linear classifier and a calibrated confidence.

Why this design (measured in docs/content.md): a frozen sentence encoder knows paraphrases ("anyone I can
talk to" ~ "someone to talk to"), character n-grams know the project's own words and patients' typos
("temprature", "jaci"); one regularised logistic regression over both, with one label per catalogue answer
and per conversational intent, trains in seconds. Its optimum is unique (L2-regularised, convex): the same
examples give the same model whatever their order or the machine's thread count, with no random seed, and one
more example moves the weights only a little, so answers nobody touched keep their answers.

Confidences are calibrated: the classifier's scores are divided by one temperature, chosen so that on
examples held out of training the stated confidence matches how often the answer was right (fitted on
out-of-fold predictions; the folds are fixed by each example's own text, so adding an example does not
reshuffle the others). A confidence of 0.8 then means about 8 answers in 10 are right, and one threshold
(FallbackClassifier in config.yml) decides when to offer buttons instead.

Nothing here knows Rasa: :mod:`assistant.nlu.question_matcher` wraps it as a pipeline component.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
from scipy import sparse
from scipy.optimize import minimize, minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

Example = Tuple[str, str]  # (text as written, label: "cart/what_is" or "greet")
MODEL_FILE = "matcher.npz"
META_FILE = "matcher.json"
# Temperatures outside this range would mean the calibration data were degenerate (e.g. a handful of examples).
TEMPERATURE_BOUNDS = (0.05, 5.0)
# L-BFGS steps of a live update (:meth:`TrainedMatcher.refit`): a few seconds on two busy cores.
REFIT_ITERATIONS = 15


@dataclass(frozen=True)
class MatcherSettings:
    """The matcher's parameters from ``config.yml`` (see the comments there)."""

    layers: Tuple[int, ...] = (6, 4)
    char_ngrams: Tuple[int, int] = (2, 4)
    regularisation: float = 30.0  # scikit-learn's C: larger fits the examples more closely
    calibration_folds: int = 3
    rewrites: Tuple[Tuple[str, str], ...] = ()  # (regular expression, replacement), applied in order

    @classmethod
    def from_config(cls, config: Mapping) -> "MatcherSettings":
        folds = int(config["calibration_folds"])
        if folds < 2:
            raise ValueError("calibration_folds must be at least 2")
        low, high = (int(n) for n in config["char_ngrams"])
        return cls(
            tuple(int(layer) for layer in config["layers"]),
            (low, high),
            float(config["regularisation"]),
            folds,
            tuple((str(p), str(r)) for p, r in (config.get("rewrites") or {}).items()),
        )

    def normalise(self, text: str) -> str:
        """The text as the matcher reads it: rewrites applied (e.g. "cart", "car t" → "CAR-T")."""
        for pattern, replacement in self.rewrites:
            text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
        return text


def sorted_examples(examples: Sequence[Example]) -> List[Example]:
    """Examples in one fixed order, each once: the model must not depend on file order."""
    return sorted(set(examples), key=lambda e: (e[1], e[0]))


def calibration_fold(example: Example, folds: int) -> int:
    """Which held-out fold an example is in: fixed by its own text and label, not by the rest of the data."""
    return zlib.crc32(f"{example[1]}\n{example[0]}".encode("utf-8")) % folds


class TrainedMatcher:
    """A fitted matcher: character n-gram vocabulary, classifier weights, labels and temperature."""

    def __init__(
        self,
        settings: MatcherSettings,
        labels: List[str],
        vocabulary: Dict[str, int],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        temperature: float,
    ) -> None:
        self.settings = settings
        self.labels = labels
        self.coef = coef
        self.intercept = intercept
        self.temperature = temperature
        self.vectorizer = _vectorizer(settings, vocabulary)
        self.vectorizer.idf_ = idf

    # -- training ---------------------------------------------------------------------------------
    @classmethod
    def fit(cls, examples: Sequence[Example], vectors: np.ndarray, settings: MatcherSettings) -> "TrainedMatcher":
        """Train on ``examples`` (sorted, unique) whose sentence vectors are the rows of ``vectors``.

        The classifier and the held-out classifiers for calibration are independent fits: they run side by
        side on the machine's cores (each is deterministic, so the result does not depend on how they are
        scheduled).
        """
        texts = [settings.normalise(text) for text, _ in examples]
        labels = [label for _, label in examples]
        if len(set(labels)) < 2:
            raise ValueError("the matcher needs examples of at least two answers or intents")
        folds = np.array([calibration_fold(example, settings.calibration_folds) for example in examples])
        with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
            fitted = pool.submit(_fit_classifier, texts, labels, vectors, settings)
            held_out = [
                pool.submit(_held_out_scores, folds == fold, texts, labels, vectors, settings)
                for fold in range(settings.calibration_folds)
            ]
            vectorizer, classifier = fitted.result()
            temperature = _best_temperature([scores for scores in (h.result() for h in held_out) if scores is not None])
        coef, intercept = _one_row_per_label(classifier.coef_, classifier.intercept_)
        return cls(
            settings,
            list(classifier.classes_),
            dict(vectorizer.vocabulary_),
            vectorizer.idf_,
            coef,
            intercept,
            temperature,
        )

    def refit(
        self, examples: Sequence[Example], vectors: np.ndarray, max_iterations: int = REFIT_ITERATIONS
    ) -> "TrainedMatcher":
        """A quick update of this model to ``examples`` (sorted, unique) for live learning: seconds, not minutes.

        Why not :meth:`fit`: a full fit learns the character n-gram vocabulary again and fits the classifier and
        three held-out classifiers for calibration from zero (94 s on two cores, inside the serving process,
        measured by ``make bench-publish``), slowing every patient's turn meanwhile. Staff adding an example
        question need it used at once. Here the n-gram vocabulary, the n-gram weights and the temperature stay
        this model's own; the weights of the sentence vectors and the intercepts are fitted again, on the same
        objective as the full fit (L2-regularised multinomial logistic regression, scikit-learn's, intercepts
        not regularised), starting from this model's (an answer new to it from zero), for at most
        ``max_iterations`` L-BFGS steps. The old optimum is next to the new one, so a few steps move the new
        example's answer where it belongs while the other answers stay put; each step is two dense matrix
        products on one thread, which leave the interpreter free (patients' turns keep going on the other core).
        Deterministic for the same model and examples; the next ``make train`` makes the exact, calibrated model.
        """
        texts = [self.settings.normalise(text) for text, _ in examples]
        labels = [label for _, label in examples]
        classes = sorted(set(labels))
        if len(classes) < 3:  # scikit-learn's two-label form has one weight row: fit from zero (tiny data anyway)
            return TrainedMatcher.fit(examples, vectors, self.settings)
        dense = np.asarray(vectors, dtype=np.float64)
        split = dense.shape[1]
        rows = {label: index for index, label in enumerate(self.labels)}
        coef = np.zeros((len(classes), self.coef.shape[1]))
        intercept = np.zeros(len(classes))
        for index, label in enumerate(classes):
            if label in rows:
                coef[index], intercept[index] = self.coef[rows[label]], self.intercept[rows[label]]
        ngram_scores = np.asarray(self.vectorizer.transform(texts) @ coef[:, split:].T)  # fixed: computed once
        truth = np.array([classes.index(label) for label in labels])
        objective = _SoftmaxObjective(dense, ngram_scores, truth, 1.0 / self.settings.regularisation)
        with threadpool_limits(limits=1):
            result = minimize(
                objective,
                objective.pack(coef[:, :split], intercept),
                jac=True,
                method="L-BFGS-B",
                options={"maxiter": max_iterations, "gtol": 1e-4},
            )
        coef[:, :split], intercept = objective.unpack(result.x)
        return TrainedMatcher(
            self.settings,
            classes,
            dict(self.vectorizer.vocabulary_),
            self.vectorizer.idf_,
            coef,
            intercept,
            self.temperature,
        )

    # -- answering --------------------------------------------------------------------------------
    def probabilities(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """One row per text: the calibrated probability of each label (columns in ``self.labels`` order)."""
        features = _features(self.vectorizer, [self.settings.normalise(t) for t in texts], vectors)
        scores = features @ self.coef.T + self.intercept
        return softmax(scores / self.temperature, axis=1)

    # -- storage ----------------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Plain arrays and JSON (no pickle): a model file can be read without running any code in it."""
        np.savez_compressed(directory / MODEL_FILE, coef=self.coef, intercept=self.intercept, idf=self.vectorizer.idf_)
        meta = {"labels": self.labels, "vocabulary": self.vectorizer.vocabulary_, "temperature": self.temperature}
        (directory / META_FILE).write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, settings: MatcherSettings) -> "TrainedMatcher":
        arrays = np.load(directory / MODEL_FILE)
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        return cls(
            settings,
            list(meta["labels"]),
            {str(k): int(v) for k, v in meta["vocabulary"].items()},
            arrays["idf"],
            arrays["coef"],
            arrays["intercept"],
            float(meta["temperature"]),
        )


def _vectorizer(settings: MatcherSettings, vocabulary: Optional[Dict[str, int]] = None) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=settings.char_ngrams,
        sublinear_tf=True,
        lowercase=True,
        dtype=np.float64,
        vocabulary=vocabulary,
    )


def _features(vectorizer: TfidfVectorizer, texts: Sequence[str], vectors: np.ndarray) -> sparse.csr_matrix:
    return sparse.hstack([sparse.csr_matrix(vectors, dtype=np.float64), vectorizer.transform(texts)], format="csr")


def _fit_classifier(
    texts: Sequence[str], labels: Sequence[str], vectors: np.ndarray, settings: MatcherSettings
) -> Tuple[TfidfVectorizer, LogisticRegression]:
    vectorizer = _vectorizer(settings).fit(texts)
    # lbfgs from zero to convergence: no randomness anywhere (random_state is unused by this solver).
    classifier = LogisticRegression(C=settings.regularisation, max_iter=2000)
    classifier.fit(_features(vectorizer, texts, vectors), labels)
    return vectorizer, classifier


class _SoftmaxObjective:
    """scikit-learn's multinomial logistic loss with L2 on the weights (not the intercepts) and its gradient, in
    the weights of the sentence vectors and the intercepts; the n-grams' part of each score is given (fixed)."""

    def __init__(self, dense: np.ndarray, fixed_scores: np.ndarray, truth: np.ndarray, alpha: float) -> None:
        self.dense, self.fixed_scores, self.truth, self.alpha = dense, fixed_scores, truth, alpha
        self.classes = fixed_scores.shape[1]
        self.onehot = np.zeros((len(truth), self.classes))
        self.onehot[np.arange(len(truth)), truth] = 1.0

    def pack(self, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
        return np.concatenate([coef.ravel(), intercept])

    def unpack(self, weights: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        cut = self.classes * self.dense.shape[1]
        return weights[:cut].reshape(self.classes, self.dense.shape[1]), weights[cut:]

    def __call__(self, weights: np.ndarray) -> Tuple[float, np.ndarray]:
        coef, intercept = self.unpack(weights)
        log_probabilities = log_softmax(self.dense @ coef.T + self.fixed_scores + intercept, axis=1)
        loss = -float(np.sum(log_probabilities[np.arange(len(self.truth)), self.truth]))
        loss += 0.5 * self.alpha * float(np.sum(coef * coef))  # (the n-gram weights' share is a constant)
        residual = np.exp(log_probabilities) - self.onehot
        gradient = residual.T @ self.dense + self.alpha * coef
        return loss, self.pack(gradient, residual.sum(axis=0))


def _one_row_per_label(coef: np.ndarray, intercept: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """scikit-learn keeps one weight row for two labels (a sigmoid); the same model as a softmax has two."""
    if coef.shape[0] == 1:
        return np.vstack([-coef / 2, coef / 2]), np.concatenate([-intercept / 2, intercept / 2])
    return coef, intercept


def _held_out_scores(
    held_out: np.ndarray, texts: Sequence[str], labels: Sequence[str], vectors: np.ndarray, settings: MatcherSettings
) -> Optional[Tuple[np.ndarray, np.ndarray]]:
    """Scores of the examples in one held-out fold by a classifier trained without them, and their true columns."""
    train = np.flatnonzero(~held_out)
    train_labels = [labels[i] for i in train]
    if len(set(train_labels)) < 2:
        return None
    vectorizer, classifier = _fit_classifier([texts[i] for i in train], train_labels, vectors[train], settings)
    column = {label: index for index, label in enumerate(classifier.classes_)}
    test = [i for i in np.flatnonzero(held_out) if labels[i] in column]  # a label with every example here is unknowable
    if not test:
        return None
    coef, intercept = _one_row_per_label(classifier.coef_, classifier.intercept_)
    scores = _features(vectorizer, [texts[i] for i in test], vectors[test]) @ coef.T + intercept
    return scores, np.array([column[labels[i]] for i in test])


def _best_temperature(held_out: List[Tuple[np.ndarray, np.ndarray]]) -> float:
    """The temperature that makes held-out confidences honest: the lowest log-loss on out-of-fold scores."""
    if not held_out:
        return 1.0

    def log_loss(temperature: float) -> float:
        return float(
            np.mean(
                np.concatenate(
                    [
                        -log_softmax(scores / temperature, axis=1)[np.arange(len(truth)), truth]
                        for scores, truth in held_out
                    ]
                )
            )
        )

    return float(minimize_scalar(log_loss, bounds=TEMPERATURE_BOUNDS, method="bounded", options={"xatol": 1e-4}).x)
