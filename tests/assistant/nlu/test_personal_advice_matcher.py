"""The personal-advice detector and its NLU component: clear requests are caught, catalogue questions never."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from assistant.content.catalogue import load_catalogue
from assistant.nlu.personal_advice_matcher import AdviceLexicon, PersonalAdviceMatcher, load_lexicon
from assistant.nlu.personal_advice_override import ADVICE_INTENT, PersonalAdviceOverride


@pytest.fixture(scope="module")
def detector() -> PersonalAdviceMatcher:
    return PersonalAdviceMatcher()


@pytest.mark.parametrize(
    "text, kind",
    [
        ("how much paracetamol can i take after my car-t?", "medicine"),
        ("What dose of Ibuprofen is safe", "medicine"),
        ("can my dad take his normal painkillers", "medicine"),
        ("should mum stop her steroids before the infusion", "medicine"),
        ("is it ok if i miss my antivirals today", "medicine"),
        ("thanks. can i have nurofen?", "medicine"),
        ("my platelets are 40 is that normal for me?", "result"),
        ("his crp is 50", "result"),
        ("what do my blood results mean", "result"),
        ("my husband's neutrophils are low, is that bad", "result"),
        ("can i have the flu jab yet", "choice"),
        ("is it safe to have a glass of wine", "choice"),
        ("can i have a couple of pints at the weekend", "choice"),
        ("when can my wife get her covid booster", "choice"),
    ],
)
def test_clear_requests_for_personal_advice_are_caught(detector, text, kind):
    finding = detector.detect(text)
    assert finding is not None and finding.kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "what is CAR-T",
        "will i have low blood counts after car-t",
        "do blood counts recover within 28 days",
        "what vaccines will I need after car-t",
        "what medicines are used for CRS",
        "is tocilizumab a chemotherapy",
        "can i drive after car-t",
        "how long will i stay in hospital",
        "can my GP refer me",
        "what is a blood count",
        "",
    ],
)
def test_general_questions_are_left_to_the_classifier(detector, text):
    assert detector.detect(text) is None


def test_no_catalogue_question_is_taken_for_personal_advice(detector):
    """Every example and held-out test wording of every approved answer must still reach that answer."""
    catalogue = load_catalogue()
    questions = [(e.key, e.text) for e in catalogue.examples] + [(t.key, t.text) for t in catalogue.tests]
    assert len(questions) > 1000
    caught = [(key, text) for key, text in questions if detector.detect(text) is not None]
    assert caught == []


def test_a_lexicon_without_a_list_is_refused_in_plain_words():
    with pytest.raises(ValueError, match="missing or empty list.*medicines"):
        AdviceLexicon.from_mapping({"dose_words": ["dose"]})


def test_the_staff_word_list_loads_and_matches_phrases_across_spaces():
    lexicon = load_lexicon()
    assert lexicon.first("medicines", "my  blood   thinners") is not None
    assert lexicon.first("medicines", "pillow") is None  # whole words only


def test_the_component_overrides_a_wrong_intent_and_says_why():
    message = Message(
        data={
            "text": "how much paracetamol can i take after my car-t?",
            "intent": {"name": "nlu_fallback", "confidence": 0.4},
            "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4}],
        }
    )
    PersonalAdviceOverride.from_config(PersonalAdviceOverride.get_default_config()).process([message])
    assert message.get("intent") == {"name": ADVICE_INTENT, "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == ADVICE_INTENT
    assert message.get("personal_advice_kind") == "medicine"


def test_the_component_leaves_other_questions_alone():
    message = Message(data={"text": "how does referral work?", "intent": {"name": "referral", "confidence": 0.9}})
    PersonalAdviceOverride.from_config(PersonalAdviceOverride.get_default_config()).process([message])
    assert message.get("intent")["name"] == "referral" and message.get("personal_advice_kind") is None
