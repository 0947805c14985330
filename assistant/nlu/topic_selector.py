"""Rasa NLU component: a ResponseSelector that only runs for messages of its own topic.

Why: the catalogue has one ResponseSelector per topic (cart, service, jacie, referral; see config.yml),
and Rasa runs every selector on every message, although a turn only ever uses the selector of the topic
DIET chose. The four selectors were a third of the Rasa server's CPU per turn (py-spy, docs/benchmarks.md).
This selector skips a message unless:

- DIET chose its topic (the answer will come from it), or
- the turn is already ``nlu_fallback`` (DIET unsure of the topic): then ``AnswerConfidenceGate`` offers the
  best answer of each topic DIET ranked highest, so every selector must have its say, or
- there is no intent yet (a pipeline without a classifier before it).

It must therefore come after DIET and the FallbackClassifier in the pipeline. What reaches patients is
unchanged; training is the stock ResponseSelector's. Its model loads without the optimizer's training
state (assistant/nlu/serving_models.py). One visible difference: in ``rasa test nlu`` a
message whose topic DIET got wrong now has no answer from its own topic's selector, so response
selection is scored end to end (topic and answer), not for the selector alone.
"""
from __future__ import annotations

import warnings
from typing import List, Type

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.models import RasaModel

from assistant.nlu.serving_models import ServingDIET2BOW, ServingDIET2DIET

# Rasa's recipe validator looks for the exact ResponseSelector class and, not finding it, warns at every
# training that the response examples will not be used. They are: this class is a ResponseSelector.
warnings.filterwarnings("ignore", message="You have defined training data with examples for training a response selector")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TopicResponseSelector(ResponseSelector):
    """ResponseSelector for one retrieval intent that leaves other topics' messages alone."""

    @staticmethod
    def model_class(use_text_as_label: bool) -> Type[RasaModel]:  # type: ignore[override]
        """Rasa's selector model, loading without training state (see assistant/nlu/serving_models.py)."""
        return ServingDIET2DIET if use_text_as_label else ServingDIET2BOW

    def needs_prediction(self, message: Message) -> bool:
        intent_name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if intent_name is None or not self.retrieval_intent:
            return True
        return intent_name in (self.retrieval_intent, DEFAULT_NLU_FALLBACK_INTENT_NAME)

    def process(self, messages: List[Message]) -> List[Message]:
        super().process([message for message in messages if self.needs_prediction(message)])
        return messages
