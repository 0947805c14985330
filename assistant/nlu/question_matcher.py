"""Rasa NLU component: matches a patient's message to a catalogue answer or a conversational intent.

Why one component (instead of Rasa's DIET and a ResponseSelector per topic): one label per answer and per
intent ("cart/what_is", "greet", "handoff"), a sentence encoder plus character n-grams into one calibrated
linear classifier (:mod:`assistant.nlu.matcher_model`). It trains in about a minute instead of twenty, the
same examples always give the same model, and an example added to one answer leaves the others' answers
where they were. Because it computes its own features it can also retrain itself inside the running
server when staff change the example questions (:mod:`assistant.nlu.live_examples`).

What it writes on each message, in Rasa's own formats, so that rules, ``rasa test`` and the NLG work
unchanged:

- ``intent``: the intent of the best label (``cart`` for "cart/what_is") with that label's confidence;
- ``intent_ranking``: each intent with the confidence of its best label;
- ``response_selector``: when the best label is a catalogue answer, that answer under its retrieval intent
  and under ``default`` (this one classifier selects among all answers, like a ResponseSelector trained
  without ``retrieval_intent``), with the closest answers as its ranking;
- ``answer_candidates``: the closest catalogue answers, offered as buttons when the turn ends up unsure
  (Rasa's FallbackClassifier, next in ``config.yml``, decides that from the confidence);
- ``label_ranking``: the closest labels (answers or intents) with their confidence, shown to staff who try a
  question in the console.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_DEFAULT_INTENT,
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.content import NLU_DIR, served
from assistant.nlu import ANSWER_CANDIDATES_KEY, LABEL_RANKING_KEY
from assistant.nlu.live_examples import ExampleWatcher, examples_in
from assistant.nlu.matcher_model import Example, MatcherSettings, TrainedMatcher, sorted_examples
from assistant.nlu.sentence_encoder import SentenceEncoder, load_encoder
from assistant.settings import settings

logger = logging.getLogger(__name__)

# Rasa's recipe validator looks for its own ResponseSelector class and, not finding it, warns at every training
# that the catalogue's example questions will not be used. They are: this component is the answer selector.
warnings.filterwarnings(
    "ignore", message="You have defined training data with examples for training a response selector"
)

EXAMPLES_FILE = "examples.npz"


def label_of(message: Message) -> Optional[str]:
    """ "cart/what_is" for an example of a catalogue answer, "greet" for one of an intent."""
    return message.get(INTENT_RESPONSE_KEY) or message.get(INTENT)


def intent_of(label: str) -> str:
    return label.split("/", 1)[0]


def is_answer(label: str) -> bool:
    return "/" in label


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class QuestionMatcher(GraphComponent, IntentClassifier):
    """Picks the catalogue answer or intent for a message, with a calibrated confidence."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "layers": [6, 4],
            "char_ngrams": [2, 4],
            "regularisation": 30.0,
            "calibration_folds": 3,
            "rewrites": {},
            "ranking_length": 10,
            "candidates": 3,
            "examples_dir": "data/nlu",
            "check_every_seconds": 1.0,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[TrainedMatcher] = None,
        examples: Sequence[Example] = (),
        vectors: Optional[np.ndarray] = None,
        retrieval_intents: Sequence[str] = (),
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self.settings = MatcherSettings.from_config(self.config)
        self._model_storage = model_storage
        self._resource = resource
        self.model = model
        self.examples = list(examples)
        self.vectors = vectors
        self.retrieval_intents = sorted(retrieval_intents)
        # Live learning only for a model trained on exactly the examples of the folder it would watch.
        self.trained_from_examples_dir = False
        self.watcher: Optional[ExampleWatcher] = None

    # Rasa's constructor interface (create and load), kept on two lines each.
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "QuestionMatcher":  # fmt: skip
        return cls(config, model_storage, resource)

    @property
    def trained(self) -> TrainedMatcher:
        """The model in service; Rasa trains or loads a component before it asks it anything."""
        if self.model is None:
            raise RuntimeError("the question matcher was asked before it was trained or loaded")
        return self.model

    @property
    def encoder(self) -> SentenceEncoder:
        return load_encoder(self.settings.layers)

    # -- training ---------------------------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        examples = [
            (str(m.get(TEXT)), str(label_of(m))) for m in training_data.intent_examples if m.get(TEXT) and label_of(m)
        ]
        self.retrieval_intents = sorted(training_data.retrieval_intents)
        self.learn(examples)
        folder = self.examples_dir()
        self.trained_from_examples_dir = folder is not None and examples_in(folder) == self.examples
        self.persist()
        return self._resource

    def learn(self, examples: Sequence[Example], quick: bool = False) -> TrainedMatcher:
        """Fit a model on ``examples`` and put it in service: a full fit when training; ``quick`` (live learning
        in the server) updates the model in service instead (:meth:`TrainedMatcher.refit`: seconds)."""
        examples = sorted_examples(examples)
        known = (
            {text: vector for text, vector in zip((t for t, _ in self.examples), self.vectors, strict=False)}
            if self.vectors is not None
            else {}
        )
        new = sorted({t for t, _ in examples if t not in known})
        if new:
            known.update(zip(new, self.encoder.encode([self.settings.normalise(t) for t in new]), strict=False))
        vectors = np.vstack([known[t] for t, _ in examples]) if examples else np.zeros((0, self.encoder.dimension))
        if quick and self.model is not None:
            model = self.model.refit(examples, vectors)
        else:
            model = TrainedMatcher.fit(examples, vectors, self.settings)
        self.model, self.examples, self.vectors = model, examples, vectors
        return model

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            self.trained.save(directory)
            np.savez_compressed(
                directory / EXAMPLES_FILE,
                texts=np.array([t for t, _ in self.examples], dtype=str),
                labels=np.array([label for _, label in self.examples], dtype=str),
                vectors=self.vectors if self.vectors is not None else np.zeros((0, self.encoder.dimension)),
                retrieval_intents=np.array(self.retrieval_intents, dtype=str),
                trained_from_examples_dir=self.trained_from_examples_dir,
            )

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "QuestionMatcher":  # fmt: skip
        component = cls(config, model_storage, resource)
        with model_storage.read_from(resource) as directory:
            component.model = TrainedMatcher.load(directory, component.settings)
            stored = np.load(directory / EXAMPLES_FILE)
            component.examples = list(zip(stored["texts"].tolist(), stored["labels"].tolist(), strict=False))
            component.vectors = stored["vectors"]
            component.retrieval_intents = stored["retrieval_intents"].tolist()
            component.trained_from_examples_dir = bool(stored["trained_from_examples_dir"])
        _ = component.encoder  # load the sentence encoder now, not on the first patient's message
        component.start_live_learning()
        return component

    def examples_dir(self) -> Optional[Path]:
        """The folder of example files this model learns from live (None: live learning off): the published
        examples when the server serves a publication (:func:`assistant.content.served`), else ``examples_dir``
        in the settings, else in ``config.yml``."""
        chosen = settings().examples_dir
        if chosen is None and self.config.get("examples_dir"):
            chosen = Path(self.config["examples_dir"])
        return served(NLU_DIR, chosen) if chosen is not None else None

    def start_live_learning(self) -> None:
        """Watch the example files and retrain on a saved change (see :mod:`assistant.nlu.live_examples`)."""
        folder = self.examples_dir()
        if folder is not None:
            self.watcher = ExampleWatcher.start_if_trained_from(folder, self, float(self.config["check_every_seconds"]))

    # -- answering --------------------------------------------------------------------------------
    def process(self, messages: List[Message]) -> List[Message]:
        model = self.trained  # one consistent model per batch, even if live learning swaps it meanwhile
        texts = [message.get(TEXT) or "" for message in messages]
        probabilities = model.probabilities(texts, self.encoder.encode([model.settings.normalise(t) for t in texts]))
        for message, row in zip(messages, probabilities, strict=False):
            self._set_prediction(message, model.labels, row)
        return messages

    def _set_prediction(self, message: Message, labels: List[str], probabilities: np.ndarray) -> None:
        order = np.argsort(-probabilities, kind="stable")
        ranked = [(labels[i], float(probabilities[i])) for i in order]
        best_label, best = ranked[0]
        message.set(
            INTENT, {INTENT_NAME_KEY: intent_of(best_label), PREDICTED_CONFIDENCE_KEY: best}, add_to_output=True
        )
        intents: Dict[str, float] = {}
        for label, confidence in ranked:
            intents.setdefault(intent_of(label), confidence)
        message.set(
            INTENT_RANKING_KEY,
            [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence} for name, confidence in intents.items()][
                : int(self.config["ranking_length"])
            ],
            add_to_output=True,
        )
        answers = [(label, confidence) for label, confidence in ranked if is_answer(label)]
        selector: Dict[str, Any] = {RESPONSE_SELECTOR_RETRIEVAL_INTENTS: self.retrieval_intents}
        if is_answer(best_label):
            selected = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    RESPONSE_SELECTOR_RESPONSES_KEY: [],  # the NLG renders the answer from its id
                    PREDICTED_CONFIDENCE_KEY: best,
                    INTENT_RESPONSE_KEY: best_label,
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{best_label}",
                },
                RESPONSE_SELECTOR_RANKING_KEY: [
                    {INTENT_RESPONSE_KEY: label, PREDICTED_CONFIDENCE_KEY: confidence}
                    for label, confidence in answers[: int(self.config["ranking_length"])]
                ],
            }
            selector[intent_of(best_label)] = selected
            selector[RESPONSE_SELECTOR_DEFAULT_INTENT] = selected
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)
        message.set(
            ANSWER_CANDIDATES_KEY, [label for label, _ in answers[: int(self.config["candidates"])]], add_to_output=True
        )
        closest = ranked[: int(self.config["candidates"])]
        message.set(
            LABEL_RANKING_KEY, [{"label": label, "confidence": value} for label, value in closest], add_to_output=True
        )
