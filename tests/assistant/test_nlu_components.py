"""The custom Rasa NLU components, on Rasa's own Message objects."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.answer_gate import ANSWER_CANDIDATES_KEY, AnswerConfidenceGate
from assistant.nlu.length_guard import LengthGuard
from assistant.nlu.red_flags import RedFlagDetector
from assistant.nlu.urgent_symptoms import SYMPTOM_MENTIONS_KEY, URGENT_INTENT, UrgentSymptomDetector
from tests.conftest import project_config


@pytest.fixture(scope="module")
def urgent_component(nlp):
    return UrgentSymptomDetector(RedFlagDetector(nlp))


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


def selector_output(confidence: float) -> dict:
    ranking = [
        {"intent_response_key": "cart/what_is", "confidence": confidence},
        {"intent_response_key": "cart/how_it_works", "confidence": 0.2},
        {"intent_response_key": "jacie/what_is", "confidence": 0.1},
        {"intent_response_key": "referral/how", "confidence": 0.05},
    ]
    return {
        "all_retrieval_intents": ["cart", "jacie", "referral", "service"],
        "default": {"response": {"intent_response_key": "cart/what_is", "confidence": confidence}, "ranking": ranking},
    }


def test_low_confidence_answer_becomes_a_fallback_with_three_candidates():
    message = classified("car stuff?", "cart", 0.8, response_selector=selector_output(0.3))
    AnswerConfidenceGate(threshold=0.5, candidates=3).process([message])
    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get(ANSWER_CANDIDATES_KEY) == ["cart/what_is", "cart/how_it_works", "jacie/what_is"]


def test_a_withheld_answer_is_a_fallback_rasa_can_undo_to_the_topic():
    """Rasa's evaluation undoes a fallback by taking the second entry of the ranking: it must be the topic."""
    from rasa.nlu.classifiers.fallback_classifier import is_fallback_classifier_prediction, undo_fallback_prediction

    message = classified("car stuff?", "cart", 0.8, response_selector=selector_output(0.3))
    AnswerConfidenceGate(threshold=0.5, candidates=3).process([message])
    result = message.as_dict()
    assert is_fallback_classifier_prediction(result)
    assert undo_fallback_prediction(result)["intent"] == {"name": "cart", "confidence": 0.8}


@pytest.mark.parametrize(
    "runner_up, served_intent",
    [(0.1, "cart"), (0.25, "nlu_fallback")],
    ids=["clear winner at 0.3 is served", "near tie at 0.3 is not served"],
)
def test_lower_confidence_answer_is_served_only_as_a_clear_winner(runner_up, served_intent):
    output = selector_output(0.3)
    output["default"]["ranking"][1]["confidence"] = runner_up
    message = classified("car t", "cart", 0.95, response_selector=output)
    AnswerConfidenceGate(threshold=0.5, candidates=3).process([message])
    assert message.get("intent")["name"] == served_intent


def served_gate() -> AnswerConfidenceGate:
    """The gate as config.yml configures it for the served pipeline."""
    (entry,) = [c for c in project_config()["pipeline"] if c["name"].endswith("AnswerConfidenceGate")]
    return AnswerConfidenceGate.from_config({**AnswerConfidenceGate.get_default_config(), **entry})


def test_the_served_gate_withholds_even_a_clear_winner_below_threshold():
    """With the sentence embeddings, clear winners below 0.5 were wrong answers (config.yml says why)."""
    output = selector_output(0.45)
    output["default"]["ranking"][1]["confidence"] = 0.05
    message = classified("car t", "cart", 0.95, response_selector=output)
    served_gate().process([message])
    assert message.get("intent")["name"] == "nlu_fallback"


def test_confident_answer_is_served():
    message = classified("what is car-t", "cart", 0.95, response_selector=selector_output(0.9))
    AnswerConfidenceGate(threshold=0.5, candidates=3).process([message])
    assert message.get("intent")["name"] == "cart" and message.get(ANSWER_CANDIDATES_KEY) is None


def test_length_guard_cuts_long_text():
    message = Message(data={"text": "a" * 5000})
    LengthGuard(max_characters=1000).process([message])
    assert len(message.get("text")) == 1000 and message.get("text_truncated") is True


def test_unsure_of_the_topic_offers_the_best_answer_of_each_likely_topic():
    def topic_output(*keys):
        ranking = [{"intent_response_key": k, "confidence": 0.5 / (i + 1)} for i, k in enumerate(keys)]
        return {"response": ranking[0], "ranking": ranking}

    message = Message(
        data={
            "text": "jacie car t thing",
            "intent": {"name": "nlu_fallback", "confidence": 0.4},
            "intent_ranking": [
                {"name": "nlu_fallback", "confidence": 0.4},
                {"name": "jacie", "confidence": 0.35},
                {"name": "greet", "confidence": 0.1},
                {"name": "cart", "confidence": 0.3},
            ],
            "response_selector": {
                "all_retrieval_intents": ["cart", "jacie", "referral", "service"],
                "jacie": topic_output("jacie/what_is", "jacie/stands_for"),
                "cart": topic_output("cart/what_is", "cart/how_it_works"),
            },
        }
    )
    AnswerConfidenceGate(threshold=0.5, candidates=3).process([message])
    assert message.get(ANSWER_CANDIDATES_KEY) == ["jacie/what_is", "cart/what_is"]
