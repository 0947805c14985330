"""Messages in another language get the notice in that language; English messages, typos and all, never do."""
from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.live_examples import read_example_files
from assistant.nlu.other_language import LANGUAGE_KEY, OTHER_LANGUAGE_INTENT, OtherLanguageDetector
from assistant.nlu.red_flags import RedFlagDetector
from assistant.nlu.urgent_symptoms import URGENT_INTENT, UrgentSymptomDetector
from tests.conftest import PROJECT_ROOT, project_config

TRANSLATIONS = yaml.safe_load((PROJECT_ROOT / "content" / "other_languages.yml").read_text(encoding="utf-8"))["languages"]


@pytest.fixture(scope="module")
def detector() -> OtherLanguageDetector:
    (entry,) = [c for c in project_config()["pipeline"] if c["name"].endswith("OtherLanguageDetector")]
    return OtherLanguageDetector.from_config({**OtherLanguageDetector.get_default_config(), **entry})


def english_messages() -> List[str]:
    """Every English text the project has: examples, conversation-test and scenario messages, held-out
    questions and the red-flag test set."""
    from testkit.loader import load_scenarios
    from testkit.trial import load_questions

    from assistant.content.catalogue import read_tests

    found = read_example_files(PROJECT_ROOT / "data" / "nlu")
    texts = [text for text, label in found.examples if label != OTHER_LANGUAGE_INTENT]
    texts += [q.text for q in load_questions([PROJECT_ROOT / "tests" / "heldout"])]
    for path in sorted((PROJECT_ROOT / "tests").glob("test_*.yml")):
        texts += [t.text for t in read_tests(path)[0]]
    texts += [step.say for scenario in load_scenarios() for step in scenario.steps
              if step.say and "other language" not in scenario.tags]
    red_flags = yaml.safe_load((PROJECT_ROOT / "tests" / "assistant" / "nlu" / "red_flag_messages.yml").read_text(encoding="utf-8"))
    texts += [m["text"] for group in red_flags.values() if isinstance(group, list) for m in group
              if isinstance(m, dict) and "text" in m]
    return texts


def test_no_english_message_is_ever_switched_to_another_language(detector):
    texts = english_messages()
    switched = [(t, detector.guess.language(t)) for t in texts if detector.guess.language(t)]
    assert len(texts) > 3000
    assert switched == []


@pytest.mark.parametrize("code", sorted(TRANSLATIONS))
def test_each_supported_language_is_recognised_from_its_own_notice(detector, code):
    assert detector.guess.language(TRANSLATIONS[code]["text"]) == code


@pytest.mark.parametrize("text, code", [
    ("Dzień dobry, czy mogę zapytać o leczenie mojego taty?", "pl"),
    ("¿Cuánto tiempo tengo que quedarme en el hospital?", "es"),
    ("Mae fy nhad yn cael triniaeth yn yr ysbyty yfory", "cy"),
    ("هل يمكنني الحصول على مترجم؟", "ar"),
    ("میرے والد کا علاج کب شروع ہوگا", "ur"),
    ("我父亲什么时候开始治疗", "zh"),
    ("Buongiorno, vorrei parlare con un medico del mio trattamento", "it"),  # detected, not supported: English notice
])
def test_a_message_in_another_language_becomes_an_other_language_turn(detector, text, code):
    message = Message(data={"text": text, "intent": {"name": "out_of_scope", "confidence": 0.9}})
    detector.process([message])
    assert message.get("intent")["name"] == OTHER_LANGUAGE_INTENT and message.get(LANGUAGE_KEY) == code


def test_an_english_message_the_classifier_took_for_another_language_is_not_switched(detector):
    message = Message(data={"text": "hjkhjk", "intent": {"name": OTHER_LANGUAGE_INTENT, "confidence": 0.8}})
    detector.process([message])
    assert message.get("intent")["name"] == "nlu_fallback" and message.get(LANGUAGE_KEY) is None


def test_an_english_red_flag_in_a_mixed_message_still_gets_urgent_help_first(detector, nlp):
    message = Message(data={"text": "Dzień dobry, mój tata źle się czuje. He has a temperature of 39 and is shivering",
                            "intent": {"name": "out_of_scope", "confidence": 0.9}})
    detector.process([message])
    UrgentSymptomDetector(RedFlagDetector(nlp)).process([message])
    assert message.get("intent")["name"] == URGENT_INTENT


async def test_the_notice_is_sent_in_the_patients_language_with_the_numbers_filled_in(tmp_path):
    from assistant.content.contacts import load_contacts
    from assistant.server.nlg import ContentNaturalLanguageGenerator

    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    nlg = ContentNaturalLanguageGenerator(None, domain)
    hotline = load_contacts()["hotline"].phone
    for code, translation in TRANSLATIONS.items():
        tracker = DialogueStateTracker.from_events("patient", [UserUttered(
            "…", intent={"name": OTHER_LANGUAGE_INTENT}, parse_data={LANGUAGE_KEY: code, "intent": {"name": OTHER_LANGUAGE_INTENT}})])
        response = await nlg.generate("utter_other_language", tracker, "rest")
        assert response["metadata"]["language"] == code and response["metadata"]["translation"] == "awaiting review"
        assert hotline in response["text"] and "{" not in response["text"]
        assert response["text"].startswith(translation["text"].split("\n")[0])
