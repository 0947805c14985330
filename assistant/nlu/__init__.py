"""Custom Rasa NLU components of the assistant, listed by module path in ``config.yml``."""
from __future__ import annotations

from typing import Any, Dict

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


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
