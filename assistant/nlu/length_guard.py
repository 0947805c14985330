"""Rasa NLU component: cut a message to a safe length before any other NLU runs.

Why: NLU memory grows with the square of the message length (one 30 KB message took the Rasa
server to 3.9 GB here). The chat channels already refuse long messages politely
(``assistant/server/channels.py``); this is the second line for any other way text reaches the model.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu import ConfiguredComponent

TRUNCATED_KEY = "text_truncated"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class LengthGuard(ConfiguredComponent):
    """Truncates message text to ``max_characters``."""

    def __init__(self, max_characters: int) -> None:
        self.max_characters = max_characters

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {"max_characters": 1000}

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "LengthGuard":
        return cls(int(config["max_characters"]))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples are written by us and short: nothing to do."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and len(text) > self.max_characters:
                message.set(TEXT, text[: self.max_characters])
                message.set(TRUNCATED_KEY, True, add_to_output=True)
        return messages
