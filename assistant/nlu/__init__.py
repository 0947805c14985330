"""Custom Rasa NLU components of the assistant, listed by module path in ``config.yml``."""

from __future__ import annotations

from typing import Any, Dict

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

# The closest catalogue answers of a turn (the question matcher writes them; the NLG offers them as
# "Did you mean…?" buttons when the turn is unsure).
ANSWER_CANDIDATES_KEY = "answer_candidates"
# The matcher's closest labels (answers and kinds of message) with their confidence, best first: what staff see
# when they try a question (assistant/server/staff_routes.py).
LABEL_RANKING_KEY = "label_ranking"


class ConfiguredComponent(GraphComponent):
    """Base of the project's untrained components: each is built from its ``config.yml`` settings alone.

    Subclasses register with ``DefaultV1Recipe.register(..., is_trainable=False)``, give their
    defaults in ``get_default_config`` and build themselves in ``from_config``.
    """

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ConfiguredComponent":
        return cls.from_config(config)

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "ConfiguredComponent":
        raise NotImplementedError


def force_intent(message: Message, intent_name: str) -> None:
    """Make ``intent_name`` the message's intent with confidence 1, first in the ranking.

    Used by the deterministic detectors (urgent symptoms, personal advice) that overrule the classifier.
    """
    forced = {"name": intent_name, "confidence": 1.0}
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != intent_name]
    message.set(INTENT, forced, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [forced] + ranking, add_to_output=True)
