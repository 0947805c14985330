"""Rasa NLU component: an urgent symptom makes the turn an ``urgent_symptom`` turn, with certainty.

Why: "temp 38.2 and shivery" must reach the urgent-help rule every time, whatever DIET predicted.
This component runs last in the pipeline and overrides the intent when
:class:`assistant.nlu.red_flags.RedFlagDetector` (spaCy, no trained weights) finds an urgent symptom.
It also records harmless *mentions* ("is confusion a side effect?") under ``symptom_mentions`` so
the answer can carry the Hotline line (see ``assistant/server/nlg.py``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.content import project_path
from assistant.nlu import ConfiguredComponent, force_intent
from assistant.nlu.red_flags import Lexicon, RedFlagDetector, RedFlagResult
from assistant.nlu.spacy_pipeline import build_pipeline

URGENT_INTENT = "urgent_symptom"
URGENT_SIGNS_KEY = "urgent_signs"
SYMPTOM_MENTIONS_KEY = "symptom_mentions"
DETECTOR_NAME = "UrgentSymptomDetector"


def mark_urgent(message: Message, result: RedFlagResult) -> None:
    """Make ``message`` an urgent-symptom turn: top intent with confidence 1, first in the ranking."""
    force_intent(message, URGENT_INTENT)
    message.set(URGENT_SIGNS_KEY, result.signs, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class UrgentSymptomDetector(ConfiguredComponent):
    """Overrides the predicted intent when a message reports an urgent symptom."""

    def __init__(self, detector: RedFlagDetector) -> None:
        self.detector = detector

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"word_list": "content/red_flags.yml"}

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "UrgentSymptomDetector":
        return cls(RedFlagDetector(build_pipeline(), Lexicon.load(project_path(str(config["word_list"])))))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text: Optional[str] = message.get(TEXT)
            if not text:
                continue
            result = self.detector.detect_text(text)
            if result.urgent:
                mark_urgent(message, result)
            elif result.mentions:
                message.set(SYMPTOM_MENTIONS_KEY, result.mentions, add_to_output=True)
        return messages
