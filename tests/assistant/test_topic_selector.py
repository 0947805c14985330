"""TopicResponseSelector: which messages reach the (stock) ResponseSelector, and the pipeline order it needs."""
from __future__ import annotations

from typing import List

import pytest
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.topic_selector import TopicResponseSelector
from tests.conftest import project_config

SELECTOR = "assistant.nlu.topic_selector.TopicResponseSelector"
DIET = "assistant.nlu.serving_models.ServingDIETClassifier"


@pytest.fixture
def predicted(monkeypatch) -> List[str]:
    """Texts the stock ResponseSelector was asked to predict for (its model is not needed here)."""
    seen: List[str] = []

    def fake_process(self, messages):
        seen.extend(message.get("text") for message in messages)
        return messages

    monkeypatch.setattr(ResponseSelector, "process", fake_process)
    return seen


def selector(topic: str) -> TopicResponseSelector:
    component = object.__new__(TopicResponseSelector)
    component.retrieval_intent = topic
    return component


def message(text: str, intent: str = None) -> Message:
    data = {"text": text}
    if intent:
        data["intent"] = {"name": intent, "confidence": 0.9}
    return Message(data=data)


def test_only_its_own_topic_and_unsure_turns_are_predicted(predicted):
    messages = [message("what is car t", "cart"), message("what is jacie", "jacie"), message("hello", "greet"),
                message("cells stuff", "nlu_fallback"), message("no classifier before me")]
    returned = selector("cart").process(messages)
    assert returned == messages
    assert predicted == ["what is car t", "cells stuff", "no classifier before me"]


def test_a_selector_without_a_retrieval_intent_predicts_everything(predicted):
    selector("").process([message("hello", "greet")])
    assert predicted == ["hello"]


def test_config_runs_the_topic_selectors_after_diet_and_the_fallback_classifier():
    names = [step["name"] for step in project_config()["pipeline"]]
    selectors = [i for i, name in enumerate(names) if name == SELECTOR]
    assert len(selectors) == 4
    assert "ResponseSelector" not in names
    assert names.index(DIET) < names.index("FallbackClassifier") < min(selectors)
    assert max(selectors) < names.index("assistant.nlu.answer_gate.AnswerConfidenceGate")
