"""Rasa NLU component: never serve a catalogue answer the ResponseSelector is unsure of.

Why: off-topic or vague questions land in a retrieval intent and Rasa would answer with whatever
response scored highest (RasaHQ/rasa#9723). An answer is served when its confidence reaches
``threshold``, or when it reaches ``min_confidence`` and stands clearly above the runner-up
(``margin_ratio`` times its confidence): with ~50 answers the ResponseSelector's softmax spreads
confidence thinly, so a clear winner at 0.3 is safer than a near-tie at 0.3. Otherwise the turn
becomes ``nlu_fallback`` and the closest answers are kept under ``answer_candidates``, so the assistant
can offer them as buttons ("Did you mean…?") rather than guess.
"""
from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_DEFAULT_INTENT,
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
)
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu import ConfiguredComponent

ANSWER_CANDIDATES_KEY = "answer_candidates"


def _selector_output(message: Message, intent_name: Any) -> Dict[str, Any]:
    """The output of the selector for this retrieval intent (or the catch-all ``default`` one)."""
    selector = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
    return selector.get(intent_name) or selector.get(RESPONSE_SELECTOR_DEFAULT_INTENT) or {}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class AnswerConfidenceGate(ConfiguredComponent):
    """Turns low-confidence catalogue answers into a fallback with the closest candidates."""

    def __init__(self, threshold: float, candidates: int, min_confidence: float = 0.2, margin_ratio: float = 2.5) -> None:
        self.threshold = threshold
        self.candidates = candidates
        self.min_confidence = min_confidence
        self.margin_ratio = margin_ratio

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"threshold": 0.5, "candidates": 3, "min_confidence": 0.2, "margin_ratio": 2.5}

    def is_confident(self, confidence: float, runner_up: float) -> bool:
        """Serve the answer: confident outright, or a clear winner over the runner-up."""
        if confidence >= self.threshold:
            return True
        return confidence >= self.min_confidence and confidence >= self.margin_ratio * runner_up

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "AnswerConfidenceGate":
        return cls(
            float(config["threshold"]),
            int(config["candidates"]),
            float(config["min_confidence"]),
            float(config["margin_ratio"]),
        )

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._gate(message)
        return messages

    def _gate(self, message: Message) -> None:
        selector = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
        retrieval_intents = selector.get(RESPONSE_SELECTOR_RETRIEVAL_INTENTS) or []
        intent = message.get(INTENT) or {}
        intent_name = intent.get(INTENT_NAME_KEY)
        if intent_name in retrieval_intents:
            output = _selector_output(message, intent_name)
            ranking = output.get(RESPONSE_SELECTOR_RANKING_KEY) or []
            confidence = (output.get(RESPONSE_SELECTOR_PREDICTION_KEY) or {}).get(PREDICTED_CONFIDENCE_KEY, 0.0)
            runner_up = ranking[1].get(PREDICTED_CONFIDENCE_KEY, 0.0) if len(ranking) > 1 else 0.0
            if self.is_confident(confidence, runner_up):
                return
            _become_fallback(message, float(confidence))
            candidates = _answer_keys(ranking)[: self.candidates]
        elif intent_name == DEFAULT_NLU_FALLBACK_INTENT_NAME:
            # Unsure of the topic: the best answer of each of the topics DIET ranked highest.
            topics = [r.get(INTENT_NAME_KEY) for r in message.get(INTENT_RANKING_KEY) or []]
            candidates = [
                keys[0]
                for keys in (_answer_keys(_selector_output(message, t).get(RESPONSE_SELECTOR_RANKING_KEY) or [])
                             for t in topics if t in retrieval_intents)
                if keys
            ][: self.candidates]
        else:
            return
        if candidates:
            message.set(ANSWER_CANDIDATES_KEY, candidates, add_to_output=True)


def _become_fallback(message: Message, confidence: float) -> None:
    """Mark the turn ``nlu_fallback`` the way Rasa's FallbackClassifier does.

    The fallback goes in front of the intent ranking, so the ranking still shows what DIET predicted
    underneath: Rasa's own evaluation (``rasa test nlu``) undoes a fallback by taking the second entry
    of the ranking, and would otherwise score a withheld answer as DIET's runner-up intent.
    """
    fallback = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: confidence}
    message.set(INTENT, fallback, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [fallback, *(message.get(INTENT_RANKING_KEY) or [])], add_to_output=True)


def _answer_keys(ranking: List[Dict[str, Any]]) -> List[str]:
    return [entry[INTENT_RESPONSE_KEY] for entry in ranking if entry.get(INTENT_RESPONSE_KEY)]
