"""The custom Rasa NLU components, on Rasa's own Message objects."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.length_guard import LengthGuard
from assistant.nlu.urgent_symptom_matcher import UrgentSymptomMatcher
from assistant.nlu.urgent_symptoms import SYMPTOM_MENTIONS_KEY, URGENT_INTENT, UrgentSymptomDetector


@pytest.fixture(scope="module")
def urgent_component(nlp):
    return UrgentSymptomDetector(UrgentSymptomMatcher(nlp))


def classified(text: str, intent: str, confidence: float, **data) -> Message:
    return Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": intent, "confidence": confidence}],
            **data,
        }
    )


def test_urgent_symptom_overrides_a_confident_wrong_intent(urgent_component):
    message = classified("temp 38.2 and shivery, how long is the hospital stay?", "cart", 0.97)
    urgent_component.process([message])
    assert message.get("intent") == {"name": URGENT_INTENT, "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == URGENT_INTENT
    assert set(message.get("urgent_signs")) >= {"fever", "shivering"}
    assert "urgent_signs" in message.as_dict(only_output_properties=True)


def test_a_question_about_a_symptom_keeps_its_intent_and_is_marked(urgent_component):
    message = classified("is confusion a side effect?", "cart", 0.9)
    urgent_component.process([message])
    assert message.get("intent")["name"] == "cart"
    assert message.get(SYMPTOM_MENTIONS_KEY) == ["confusion"]


def test_an_ordinary_question_is_left_alone(urgent_component):
    message = classified("how does referral work?", "referral", 0.9)
    urgent_component.process([message])
    assert message.get("intent")["name"] == "referral" and message.get(SYMPTOM_MENTIONS_KEY) is None


def test_length_guard_cuts_long_text():
    message = Message(data={"text": "a" * 5000})
    LengthGuard(max_characters=1000).process([message])
    assert len(message.get("text")) == 1000 and message.get("text_truncated") is True
