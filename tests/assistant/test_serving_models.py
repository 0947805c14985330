"""Serving models: a classifier loaded without training state predicts exactly what Rasa's own load gives.

Each test trains a tiny model (2 epochs, a dozen examples: a few seconds), then loads it twice from the same
storage: once with Rasa's model class (its load trains one step and creates the optimizer state), once as
configured.
"""
from __future__ import annotations

from typing import Any, Dict, List, Type

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIET
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.selectors.response_selector import DIET2BOW
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.nlu.serving_models import ServingDIET, ServingDIET2BOW, ServingDIETClassifier
from assistant.nlu.topic_selector import TopicResponseSelector

EXAMPLES = {
    "what_is": ["what is car t", "what does car-t mean", "explain cart therapy", "tell me what car t is"],
    "cost": ["how much does car t cost", "is cart free on the nhs", "do i pay for it", "what is the price"],
    "driving": ["can i drive after car t", "when can my dad drive", "is driving allowed", "no driving?"],
}
ASKED = ["what's car t cells", "will it cost us anything", "can mum drive home", "hello there"]


class Featurising:
    """A whitespace tokenizer and a count-vectors featuriser trained on the examples."""

    def __init__(self, storage: LocalModelStorage) -> None:
        self.tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
        self.featurizer = CountVectorsFeaturizer.create(CountVectorsFeaturizer.get_default_config(), storage,
                                                        Resource("cvf"), context())
        self.featurizer.train(self._tokenised(as_selector=False).merge(self._tokenised(as_selector=True)))

    def training_data(self, as_selector: bool) -> TrainingData:
        """Intents what_is/cost/driving for DIET; retrieval intent faq/<answer> for a ResponseSelector."""
        data = self._tokenised(as_selector)
        self.featurizer.process_training_data(data)
        return data

    def _tokenised(self, as_selector: bool) -> TrainingData:
        messages = [Message(data={"text": text, "intent": "faq", "intent_response_key": f"faq/{answer}",
                                  "response": f"answer {answer}"} if as_selector else
                            {"text": text, "intent": answer})
                    for answer, texts in EXAMPLES.items() for text in texts]
        data = TrainingData(training_examples=messages)
        self.tokenizer.process_training_data(data)
        return data

    def messages(self, texts: List[str]) -> List[Message]:
        messages = [Message(data={"text": text}) for text in texts]
        self.tokenizer.process(messages)
        self.featurizer.process(messages)
        return messages


@pytest.fixture(scope="module")
def storage(tmp_path_factory) -> LocalModelStorage:
    return LocalModelStorage(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def featurising(storage) -> Featurising:
    return Featurising(storage)


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test-model")


def train(component: Type, config: Dict[str, Any], featurising: Featurising, storage, name: str) -> Dict[str, Any]:
    """Trains ``component`` for 2 epochs into resource ``name``; returns the full config it was trained with."""
    config = {**component.get_default_config(), "epochs": 2, "random_seed": 1, **config}
    data = featurising.training_data(as_selector=bool(config.get("retrieval_intent")))
    component.create(config, storage, Resource(name), context()).train(data)
    return config


def load_both(component: Type, rasas_model: Type, config, storage, name: str, monkeypatch):
    """``component`` loaded from resource ``name`` twice: with Rasa's model class, then as it is."""
    with monkeypatch.context() as patched:
        patched.setattr(component, "model_class", staticmethod(lambda *use_text_as_label: rasas_model))
        rasas = component.load(config, storage, Resource(name), context())
    return rasas, component.load(config, storage, Resource(name), context())


def outputs(component, featurising: Featurising) -> List[Dict[str, Any]]:
    messages = component.process(featurising.messages(ASKED))
    return [{key: message.get(key) for key in ("intent", "intent_ranking", "response_selector")}
            for message in messages]


def same_predictions(mine, theirs) -> bool:
    """Equal up to float rounding (the same weights, run through the same prediction graph)."""
    if isinstance(mine, dict):
        return mine.keys() == theirs.keys() and all(same_predictions(mine[k], theirs[k]) for k in mine)
    if isinstance(mine, list):
        return len(mine) == len(theirs) and all(same_predictions(a, b) for a, b in zip(mine, theirs))
    if isinstance(mine, float):
        return bool(np.isclose(mine, theirs, atol=1e-6))
    return mine == theirs


def slot_variables(component) -> int:
    return len(component.model.optimizer.variables)


def test_diet_loaded_for_serving_predicts_as_rasa_and_holds_no_optimizer_state(storage, featurising, monkeypatch):
    config = train(ServingDIETClassifier, {}, featurising, storage, "diet")
    rasas, ours = load_both(ServingDIETClassifier, DIET, config, storage, "diet", monkeypatch)
    assert type(rasas.model) is DIET
    assert type(ours.model) is ServingDIET
    mine = outputs(ours, featurising)
    assert same_predictions(mine, outputs(rasas, featurising))
    assert mine[0]["intent"]["name"] in EXAMPLES
    assert slot_variables(rasas) >= 2 * len(rasas.model.trainable_variables)  # Adam's m and v for every weight
    assert slot_variables(ours) <= 1  # at most the step counter


def test_topic_selector_loaded_for_serving_predicts_as_rasa(storage, featurising, monkeypatch):
    config = train(TopicResponseSelector, {"retrieval_intent": "faq"}, featurising, storage, "selector")
    rasas, ours = load_both(TopicResponseSelector, DIET2BOW, config, storage, "selector", monkeypatch)
    assert type(rasas.model) is DIET2BOW
    assert type(ours.model) is ServingDIET2BOW
    mine = outputs(ours, featurising)
    assert same_predictions(mine, outputs(rasas, featurising))
    assert mine[0]["response_selector"]["faq"]["response"]["intent_response_key"].startswith("faq/")
    assert slot_variables(ours) <= 1


def test_a_weight_the_checkpoint_cannot_fill_fails_loudly(storage, featurising):
    """A model silently keeping untrained weights would answer patients at random: loading must fail."""
    one_layer = {"epochs": 1, "hidden_layers_sizes": {"text": [16], "label": []}}
    config = train(ServingDIETClassifier, one_layer, featurising, storage, "diet-small")
    # A second 16-unit layer: a weight the checkpoint has none of, while every other weight keeps its shape.
    two_layers = {**config, "hidden_layers_sizes": {"text": [16, 16], "label": []}}
    with pytest.raises(AssertionError):
        ServingDIETClassifier.load(two_layers, storage, Resource("diet-small"), context())
