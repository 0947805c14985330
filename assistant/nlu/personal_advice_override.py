"""Rasa NLU component: a clear request for personal medical advice becomes a ``personal_advice`` turn.

Why: the kind refusal (with the team's contacts) must not depend on the trained classifier being right;
see :mod:`assistant.nlu.personal_advice` for what counts as a clear request. It runs just before the
urgent-symptom detector, so "can I take paracetamol for my temperature of 38.5?" still gets urgent help.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.content import project_path
from assistant.nlu import ConfiguredComponent, force_intent
from assistant.nlu.personal_advice_matcher import PersonalAdviceMatcher, load_lexicon

ADVICE_INTENT = "personal_advice"
ADVICE_KIND_KEY = "personal_advice_kind"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class PersonalAdviceOverride(ConfiguredComponent):
    """Overrides the predicted intent when a message clearly asks for personal medical advice."""

    def __init__(self, detector: PersonalAdviceMatcher) -> None:
        self.detector = detector

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"word_list": "content/personal_advice.yml"}

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "PersonalAdviceOverride":
        return cls(PersonalAdviceMatcher(load_lexicon(project_path(str(config["word_list"])))))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text: Optional[str] = message.get(TEXT)
            finding = self.detector.detect(text) if text else None
            if finding is not None:
                force_intent(message, ADVICE_INTENT)
                message.set(ADVICE_KIND_KEY, finding.kind, add_to_output=True)
        return messages
