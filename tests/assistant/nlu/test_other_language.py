"""A message in a language the assistant cannot answer gets the notice, in that language where there is a translation;
English messages, typos and all, never do."""

from __future__ import annotations

from typing import List

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.live_examples import read_example_files
from assistant.nlu.other_language import LANGUAGE_KEY, OTHER_LANGUAGE_INTENT, UNDETERMINED, OtherLanguageDetector
from assistant.nlu.urgent_symptom_matcher import UrgentSymptomMatcher
from assistant.nlu.urgent_symptoms import URGENT_INTENT, UrgentSymptomDetector
from tests.conftest import PROJECT_ROOT, project_config

TRANSLATIONS = yaml.safe_load((PROJECT_ROOT / "content" / "other_languages.yml").read_text(encoding="utf-8"))[
    "languages"
]
# Test messages that are not English, although their files are not about other languages: the hostile-input
# scenario "Emoji and another language get the notice in that language..." (tests/e2e/hostile.yml) is Spanish.
NOT_ENGLISH = {"🙂🙂 ¿qué es car-t?"}


def configured(name: str) -> dict:
    """The settings of a pipeline component as config.yml gives them."""
    (entry,) = [c for c in project_config()["pipeline"] if c["name"].endswith(name)]
    return entry


@pytest.fixture(scope="module")
def detector() -> OtherLanguageDetector:
    return OtherLanguageDetector.from_config(
        {**OtherLanguageDetector.get_default_config(), **configured("OtherLanguageDetector")}
    )


def english_messages() -> List[str]:
    """Every English text the project has: examples, conversation-test and scenario messages, held-out
    questions and the red-flag test set."""
    from assistant.content.catalogue import read_tests
    from testkit.loader import load_scenarios
    from testkit.trial import load_questions

    found = read_example_files(PROJECT_ROOT / "data" / "nlu")
    texts = [text for text, label in found.examples if label != OTHER_LANGUAGE_INTENT]
    texts += [q.text for q in load_questions([PROJECT_ROOT / "tests" / "heldout"])]
    for path in sorted((PROJECT_ROOT / "tests").glob("test_*.yml")):
        texts += [t.text for t in read_tests(path)[0]]
    texts += [
        step.say
        for scenario in load_scenarios()
        for step in scenario.steps
        if step.say and "other language" not in scenario.tags
    ]
    red_flags = yaml.safe_load(
        (PROJECT_ROOT / "tests" / "assistant" / "nlu" / "red_flag_messages.yml").read_text(encoding="utf-8")
    )
    texts += [
        m["text"]
        for group in red_flags.values()
        if isinstance(group, list)
        for m in group
        if isinstance(m, dict) and "text" in m
    ]
    return [text for text in texts if text not in NOT_ENGLISH]


def test_no_english_message_is_ever_switched_to_another_language(detector):
    texts = english_messages()
    switched = [(t, detector.guess.language(t)) for t in texts if detector.guess.language(t)]
    assert len(texts) > 3000
    assert switched == []


@pytest.mark.parametrize("code", sorted(TRANSLATIONS))
def test_each_supported_language_is_recognised_from_its_own_notice(detector, code):
    assert detector.guess.language(TRANSLATIONS[code]["text"]) == code
    assert detector.guess.language(TRANSLATIONS[code]["urgent_help"]["text"]) == code


def test_every_language_with_a_notice_is_detected_and_every_detected_one_has_a_notice():
    assert set(configured("OtherLanguageDetector")["languages"]) == set(TRANSLATIONS)


@pytest.mark.parametrize(
    "text, code",
    [
        ("Dzień dobry, czy mogę zapytać o leczenie mojego taty?", "pl"),
        ("¿Cuánto tiempo tengo que quedarme en el hospital?", "es"),
        ("Mae fy nhad yn cael triniaeth yn yr ysbyty yfory", "cy"),
        ("هل يمكنني الحصول على مترجم؟", "ar"),
        ("میرے والد کا علاج کب شروع ہوگا", "ur"),
        ("我父亲什么时候开始治疗", "zh"),
        ("আমার বাবার চিকিৎসা কবে শুরু হবে?", "bn"),
        (
            "Buongiorno, vorrei parlare con un medico del mio trattamento",
            "it",
        ),  # detected, not supported: English notice
    ],
)
def test_a_message_in_another_language_becomes_an_other_language_turn(detector, text, code):
    message = Message(data={"text": text, "intent": {"name": "out_of_scope", "confidence": 0.9}})
    detector.process([message])
    assert message.get("intent")["name"] == OTHER_LANGUAGE_INTENT and message.get(LANGUAGE_KEY) == code


@pytest.mark.parametrize(
    "text, code",
    [
        # Short, or with "CAR-T" in them: too little for Lingua's confidence, but the script (or Spanish's
        # opening marks) says enough.
        ("发烧", "zh"),
        ("什么是CAR-T治疗？", "zh"),
        ("بخار ہے", "ur"),
        ("ما هو علاج CAR-T؟", "ar"),
        ("ধন্যবাদ", "bn"),
        # Spanish's opening marks: Spanish, however short (the hostile-input scenario's message among them).
        ("🙂🙂 ¿qué es car-t?", "es"),
        ("¿Hay intérprete?", "es"),
        ("¡Gracias!", "es"),
        # Scripts of languages without a translation: the English notice.
        ("سلام، آیا مترجم دارید؟", "fa"),
        ("父が熱を出しました", "ja"),
        ("Здравствуйте, мне нужен переводчик", UNDETERMINED),
        ("ተርጓሚ የድልየኒ", UNDETERMINED),
        ("मेरे पिता को बुखार है", UNDETERMINED),
    ],
)
def test_a_message_in_another_script_or_with_spanish_marks_is_always_an_other_language_turn(detector, text, code):
    message = Message(data={"text": text, "intent": {"name": "cart", "confidence": 0.99}})
    detector.process([message])
    assert message.get("intent")["name"] == OTHER_LANGUAGE_INTENT and message.get(LANGUAGE_KEY) == code


def test_an_english_message_the_classifier_took_for_another_language_is_not_switched(detector):
    message = Message(data={"text": "hjkhjk", "intent": {"name": OTHER_LANGUAGE_INTENT, "confidence": 0.8}})
    detector.process([message])
    assert message.get("intent")["name"] == "nlu_fallback" and message.get(LANGUAGE_KEY) is None


def test_an_english_red_flag_in_a_mixed_message_still_gets_urgent_help_first(detector, nlp):
    message = Message(
        data={
            "text": "Dzień dobry, mój tata źle się czuje. He has a temperature of 39 and is shivering",
            "intent": {"name": "out_of_scope", "confidence": 0.9},
        }
    )
    detector.process([message])
    UrgentSymptomDetector(UrgentSymptomMatcher(nlp)).process([message])
    assert message.get("intent")["name"] == URGENT_INTENT and message.get(LANGUAGE_KEY) == "pl"


async def test_the_notice_is_sent_in_the_patients_language_with_the_numbers_filled_in():
    from assistant.content.contacts import load_contacts
    from assistant.server.nlg import ContentNaturalLanguageGenerator

    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    nlg = ContentNaturalLanguageGenerator(None, domain)
    hotline = load_contacts()["hotline"].phone
    for code, translation in TRANSLATIONS.items():
        tracker = DialogueStateTracker.from_events(
            "patient",
            [
                UserUttered(
                    "…",
                    intent={"name": OTHER_LANGUAGE_INTENT},
                    parse_data={LANGUAGE_KEY: code, "intent": {"name": OTHER_LANGUAGE_INTENT}},
                )
            ],
        )
        response = await nlg.generate("utter_other_language", tracker, "rest")
        assert response is not None
        assert response["metadata"]["language"] == code and response["metadata"]["translation"] == "awaiting review"
        assert hotline in response["text"] and "999" in response["text"] and "{" not in response["text"]
        assert response["text"].startswith(translation["text"].split("\n")[0])
