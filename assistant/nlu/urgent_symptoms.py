"""Rasa NLU component: an urgent symptom makes the turn an ``urgent_symptom`` turn, with certainty.

Why: "temp 38.2 and shivery" must reach the urgent-help rule every time, whatever the classifier predicted.
This component runs last in the pipeline and overrides the intent when the spaCy matcher
(:class:`assistant.nlu.urgent_symptom_matcher.UrgentSymptomMatcher`, no trained weights) finds an urgent symptom, or
when the word lists of other languages (:mod:`assistant.nlu.urgent_languages`) find one: "mam gorączkę",
"بخار ہے", "shash kosto hocche". Then the turn also carries the language of the list that found it (the
``language`` the other-language detector uses), so that urgent help is given in the patient's language.
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
from assistant.nlu.other_language import LANGUAGE_KEY
from assistant.nlu.spacy_pipeline import build_pipeline, english_word_test
from assistant.nlu.urgent_languages import OtherLanguageSigns, reply_language
from assistant.nlu.urgent_symptom_matcher import Lexicon, RedFlagResult, UrgentSymptomMatcher

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

    def __init__(self, detector: UrgentSymptomMatcher, other_languages: Optional[OtherLanguageSigns] = None) -> None:
        self.detector = detector
        self.other_languages = other_languages

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"word_list": "content/red_flags.yml", "other_languages_word_list": None}

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "UrgentSymptomDetector":
        nlp = build_pipeline()
        other_list = config.get("other_languages_word_list")
        return cls(
            UrgentSymptomMatcher(nlp, Lexicon.load(project_path(str(config["word_list"])))),
            OtherLanguageSigns.load(project_path(str(other_list)), english_word_test(nlp)) if other_list else None,
        )

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text: Optional[str] = message.get(TEXT)
            if not text:
                continue
            result = self.detector.detect_text(text)
            found = self.other_languages.find(text) if self.other_languages else None
            if found:
                # Urgent help in the language the sign was written in (the detector's when both agree).
                message.set(LANGUAGE_KEY, reply_language(found, message.get(LANGUAGE_KEY)), add_to_output=True)
                mark_urgent(message, RedFlagResult(urgent=True, signs=list(dict.fromkeys(result.signs + found.signs))))
            elif result.urgent:
                mark_urgent(message, result)
            elif result.mentions:
                message.set(SYMPTOM_MENTIONS_KEY, result.mentions, add_to_output=True)
        return messages
