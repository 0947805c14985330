"""Urgent symptoms written in other languages get urgent help, in the patient's language; every message in a language
the assistant cannot answer gets the urgent routes (999) in its first reply; no English message is switched.

Measured on tests/assistant/nlu/other_language_messages.yml, written apart from the word lists
(content/red_flags_other_languages.yml). The figures per language, for a report:
``python -m tests.assistant.nlu.test_urgent_languages`` (the first-reply figures need a trained model).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.other_language import LANGUAGE_KEY, OTHER_LANGUAGE_INTENT, OtherLanguageDetector, script_of
from assistant.nlu.spacy_pipeline import build_pipeline, english_word_test
from assistant.nlu.urgent_languages import OtherLanguageSigns, WordList, load_word_lists, normalise
from assistant.nlu.urgent_symptoms import URGENT_INTENT, UrgentSymptomDetector
from tests.assistant.nlu.test_other_language import configured, english_messages
from tests.conftest import PROJECT_ROOT

SET = yaml.safe_load((Path(__file__).parent / "other_language_messages.yml").read_text(encoding="utf-8"))
CONTENT = PROJECT_ROOT / "content"
WORD_LISTS = yaml.safe_load((CONTENT / "red_flags_other_languages.yml").read_text(encoding="utf-8"))["languages"]
TRANSLATIONS = yaml.safe_load((CONTENT / "other_languages.yml").read_text(encoding="utf-8"))["languages"]
ENGLISH_SIGNS = set(yaml.safe_load((CONTENT / "red_flags.yml").read_text(encoding="utf-8"))["signs"])
LANGUAGES = [key for key in SET if key != "unsupported"]
# The worst a classifier could do: answer a catalogue question, which gives no urgent routes, with confidence.
CONFIDENT_ANSWER = {"name": "cart", "confidence": 0.99}


def reply_language(set_key: str) -> str:
    """The language urgent help is given in: "ur_latn" (Urdu typed in Latin letters) is answered in Urdu."""
    return set_key.split("_")[0]


def urgent_cases() -> List[Tuple[str, str]]:
    return [(key, case["text"]) for key in LANGUAGES for case in SET[key]["urgent"]]


def other_cases() -> List[Tuple[str, str]]:
    return [(key, text) for key in LANGUAGES for text in SET[key]["not_urgent"]] + [
        (case["code"], case["text"]) for case in SET["unsupported"]
    ]


class Pipeline:
    """The assistant's deterministic NLU components, as config.yml sets them, after a given classifier verdict."""

    def __init__(self) -> None:
        self.language = OtherLanguageDetector.from_config(
            {**OtherLanguageDetector.get_default_config(), **configured("OtherLanguageDetector")}
        )
        self.urgent = UrgentSymptomDetector.from_config(
            {**UrgentSymptomDetector.get_default_config(), **configured("UrgentSymptomDetector")}
        )

    def decide(self, text: str, classified: Optional[Dict] = None) -> Message:
        message = Message(data={"text": text, "intent": classified or CONFIDENT_ANSWER})
        self.language.process([message])
        self.urgent.process([message])
        return message


@lru_cache(maxsize=1)
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="module")
def signs() -> OtherLanguageSigns:
    return OtherLanguageSigns.load(CONTENT / "red_flags_other_languages.yml", english_word_test(build_pipeline()))


# -- urgent recall -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("language, text", urgent_cases(), ids=lambda value: value[:40])
def test_an_urgent_symptom_in_another_language_gets_urgent_help_in_that_language(language, text):
    message = pipeline().decide(text)
    assert message.get("intent")["name"] == URGENT_INTENT, f"missed urgent ({language}): {text!r}"
    assert message.get(LANGUAGE_KEY) == reply_language(language)


def test_the_test_set_has_ten_messages_or_more_per_language_urgent_and_not():
    for key in LANGUAGES:
        assert len(SET[key]["urgent"]) + len(SET[key]["not_urgent"]) >= 10 and SET[key]["not_urgent"], key


# -- English stays English ---------------------------------------------------------------------------------------
def test_no_english_message_is_switched_to_another_language_by_either_detector():
    texts = english_messages()
    switched = [(text, language) for text in texts if (language := pipeline().decide(text).get(LANGUAGE_KEY))]
    assert len(texts) > 3000
    assert switched == []


def test_no_english_message_is_taken_for_an_urgent_symptom_in_another_language(signs):
    assert [(text, found) for text in english_messages() if (found := signs.find(text))] == []


# -- first reply -------------------------------------------------------------------------------------------------
def in_another_script(text: str) -> bool:
    letters = [script_of(c) for c in text if c.isalpha()]
    return sum(script != "LATIN" for script in letters) >= sum(script == "LATIN" for script in letters)


@pytest.mark.parametrize(
    "language, text", [(k, t) for k, t in other_cases() if in_another_script(t)], ids=lambda v: v[:40]
)
def test_a_message_in_another_script_gets_the_notice_or_urgent_help_whatever_the_classifier_said(language, text):
    assert pipeline().decide(text).get("intent")["name"] in {OTHER_LANGUAGE_INTENT, URGENT_INTENT}


@pytest.mark.integration
def test_every_message_in_another_language_gets_the_urgent_routes_in_its_first_reply():
    """With the trained model: the classifier decides the short Latin-alphabet messages the detectors leave to it."""
    replies = first_replies([text for _, text in other_cases()])
    without_routes = {text: reply for text, reply in replies.items() if "999" not in reply}
    assert without_routes == {}


# -- what the patient reads --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def nlg():
    from assistant.server.nlg import ContentNaturalLanguageGenerator

    return ContentNaturalLanguageGenerator(None, Domain.load(str(PROJECT_ROOT / "domain.yml")))


def urgent_turn(language: Optional[str]) -> DialogueStateTracker:
    parse_data = {"intent": {"name": URGENT_INTENT}, **({LANGUAGE_KEY: language} if language else {})}
    return DialogueStateTracker.from_events(
        "patient", [UserUttered("…", intent={"name": URGENT_INTENT}, parse_data=parse_data)]
    )


@pytest.mark.parametrize("code", sorted(TRANSLATIONS))
async def test_urgent_help_is_given_in_the_patients_language_with_the_english_below_it(nlg, code):
    from assistant.content.contacts import load_contacts

    english = await nlg.generate("utter_urgent_help", urgent_turn(None), "rest")
    response = await nlg.generate("utter_urgent_help", urgent_turn(code), "rest")
    hotline = load_contacts()["hotline"].phone
    translated, _, below = response["text"].partition("\n\n**Please get help now.**")
    assert below and response["text"].endswith(english["text"])
    assert hotline in translated and "999" in translated and "{" not in response["text"]
    assert translated.index("999") < translated.index(hotline), "999 comes first, as in English"
    assert response["metadata"]["language"] == code and response["metadata"]["translation"] == "awaiting review"
    assert response["metadata"]["answer_id"] == "urgent_help"


@pytest.mark.parametrize("language", [None, "fa", "und"])
async def test_urgent_help_without_a_translation_is_in_english(nlg, language):
    response = await nlg.generate("utter_urgent_help", urgent_turn(language), "rest")
    assert response["text"].startswith("**Please get help now.**") and response["metadata"]["language"] == "en"


@pytest.mark.parametrize("code", sorted(TRANSLATIONS))
def test_each_translation_of_urgent_help_is_back_translated_and_passes_the_content_check_as_the_notice_does(code):
    from assistant.content.catalogue import TRANSLATION, Answer
    from assistant.content.dates import today_uk
    from assistant.content.rules import ERROR, ContentChecker

    entry = TRANSLATIONS[code]["urgent_help"]
    assert entry["back_translation"] and entry["metadata"]["translation"] in ("awaiting review", "reviewed")
    checker = ContentChecker.for_single_answers(today_uk())
    checker.check_governed_text(
        Answer(f"other_language:{code}:urgent_help", CONTENT / "other_languages.yml", 1, entry, kind=TRANSLATION)
    )
    assert [f.message for f in checker.findings if f.severity == ERROR] == []


# -- the word lists ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", sorted(WORD_LISTS))
def test_each_word_list_is_owned_and_awaits_review_like_a_translation(key):
    entry = WORD_LISTS[key]
    assert {"checked", "translation", "reviewer", "approved", "review_by"} <= set(entry["metadata"])
    assert set(entry["signs"]) <= ENGLISH_SIGNS, "signs are named as in content/red_flags.yml"
    assert "urgent_help" in TRANSLATIONS[entry["reply_in"]], "its speakers get urgent help in their language"


def test_the_core_signs_are_listed_in_every_language():
    core = {"fever", "shivering", "confusion", "drowsiness", "seizure", "breathing", "chest_pain"}
    assert {key: core - set(entry["signs"]) for key, entry in WORD_LISTS.items() if core - set(entry["signs"])} == {}


@pytest.mark.parametrize(
    "typed, written",
    [
        ("GORACZKA", "gorączka"),
        ("Ddwymyn", "ddŵymyn"),
        ("الحمي", "الحمّى"),
        ("أبي", "ابي"),
        ("رهي هے", "رہی ہے"),
        ("কাপুনি", "কাঁপুনি"),
    ],
)
def test_words_are_compared_without_accents_marks_or_letter_variants(typed, written):
    assert normalise(typed) == normalise(written)


def word_list(*phrases: str, **options) -> OtherLanguageSigns:
    from assistant.nlu.urgent_languages import Phrase, _pattern

    listed = WordList("xx", "xx", [Phrase("fever", _pattern(p)) for p in phrases], **options)
    return OtherLanguageSigns([listed], english_word_test(build_pipeline()))


@pytest.mark.parametrize(
    "phrases, options, text, found",
    [
        (["gorącz*"], {}, "mam goraczke od rana", True),
        (["ból * klat*"], {}, "ból w klatce", True),
        (["ból * klat*"], {}, "ból nogi i ręki, klatka schodowa", False),  # more than two words between
        (["صدر*"], {"attached_before": ["و", "ب", "ال"]}, "ألم بالصدر", True),
        (["胸 * 痛"], {"without_spaces": True}, "胸口很痛", True),
        (["很困"], {"without_spaces": True, "exclusions": ["很困难"]}, "呼吸很困难", False),
        (["temperatur*"], {}, "my temperature is 36.8, is that normal?", False),  # an English word alone
        (["temperatur*"], {}, "mam wysoką temperaturę", True),
    ],
)
def test_the_matcher_finds_what_the_list_says_and_no_more(phrases, options, text, found):
    options = {k: [normalise(v) for v in vs] if isinstance(vs, list) else vs for k, vs in options.items()}
    assert (word_list(*phrases, **options).find(text) is not None) == found


def test_the_word_lists_load_in_the_files_order():
    assert [w.key for w in load_word_lists(CONTENT / "red_flags_other_languages.yml")] == list(WORD_LISTS)


# -- the figures -------------------------------------------------------------------------------------------------
def first_replies(texts: List[str]) -> Dict[str, str]:
    """Each message's first reply from the trained model, as a new patient gets it (no action server: a first
    reply is a plain response)."""
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    from assistant.settings import settings

    MODEL = settings().model_path

    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    agent = Agent.load(
        str(MODEL), generator=EndpointConfig(type="assistant.server.nlg.ContentNaturalLanguageGenerator")
    )

    async def reply(text: str) -> str:
        messages = await agent.handle_text(text, sender_id=f"language-{uuid.uuid4().hex}") or []
        return "\n\n".join(str(m.get("text") or "") for m in messages)

    async def all_replies() -> Dict[str, str]:
        return {text: await reply(text) for text in texts}

    return asyncio.run(all_replies())


def report(with_model: bool) -> str:
    """Urgent recall and first-reply routes per language, and the English messages switched."""
    lines = ["language      urgent recall    first reply gives 999"]
    replies = first_replies([t for _, t in other_cases()]) if with_model else {}
    routed: Counter = Counter()
    for key, text in other_cases():
        routed[key if key in LANGUAGES else "unsupported", "all"] += 1
        routed[key if key in LANGUAGES else "unsupported", "999"] += "999" in replies.get(text, "")
    for key in [*LANGUAGES, "unsupported"]:
        urgent = SET[key]["urgent"] if key in LANGUAGES else []
        caught = sum(pipeline().decide(c["text"]).get("intent")["name"] == URGENT_INTENT for c in urgent)
        recall = f"{caught}/{len(urgent)}" if urgent else "-"
        first = f"{routed[key, '999']}/{routed[key, 'all']}" if with_model else "(no model)"
        lines.append(f"{key:<13} {recall:<16} {first}")
    texts = english_messages()
    switched = sum(bool(pipeline().decide(text).get(LANGUAGE_KEY)) for text in texts)
    lines.append(f"English messages switched to another language: {switched} of {len(texts)}")
    return "\n".join(lines)


if __name__ == "__main__":
    import logging

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    from assistant.settings import settings

    MODEL = settings().model_path

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    print(report(with_model=MODEL.exists()))
