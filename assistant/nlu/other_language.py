"""Rasa NLU component: a message written in another language gets, in that language, a short notice.

Why: the answers are approved in English only. A patient who writes in Polish, Arabic, Chinese, Urdu,
Spanish or Welsh should not get an English "not sure" or a wrong answer, but a notice in their language:
this assistant answers in English, the centre can arrange an interpreter, and where to get urgent help
(``utter_other_language``; the translations are in ``content/other_languages.yml``).

The language is detected by Lingua (``lingua-language-detector``, its models inside the PyPI package,
nothing downloaded), in its low-accuracy mode (trigrams only: tens of MB instead of several hundred), in two
steps. First, among English and the supported languages: is the message clearly not English? Then, among
the supported languages and a few others (``also_detect``): which one is it? (Asked in one step, the extra
languages made some English questions look French or German; left out, Italian looked Welsh.) Switching
away from English must never happen to an English message with typos, so it needs strong evidence,
checked on every English example, test message and red-flag message (tests/assistant/nlu/test_other_language.py):

- Arabic script or Chinese characters: the detector's confidence reaches ``min_confidence_script``;
- Latin script: at least ``min_words`` words (``min_words_with_accents`` when a word has letters outside
  English's alphabet, such as ł, ñ or ŵ) and a confidence of ``min_confidence_latin``.

A language detected but not supported gets the English notice. It runs before the urgent-symptom detector,
so an English red flag in a mixed message still gets urgent help first.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu import ConfiguredComponent, force_intent

OTHER_LANGUAGE_INTENT = "other_language"
LANGUAGE_KEY = "language"  # ISO 639-1 code of the detected language, in the parse data
ENGLISH = "en"
_WORD = re.compile(r"[^\W\d_]+")
_NON_LATIN_SCRIPTS = {"ar", "ur", "zh"}


class LanguageGuess:
    """Lingua restricted to a few languages, with the thresholds that keep English messages English."""

    def __init__(
        self,
        languages: List[str],
        also_detect: List[str],
        min_words: int,
        min_words_with_accents: int,
        min_confidence_latin: float,
        min_confidence_script: float,
    ) -> None:
        self._detector, self._codes = _detector([ENGLISH, *languages])
        self._which, self._which_codes = _detector([*languages, *also_detect])
        self.min_words = min_words
        self.min_words_with_accents = min_words_with_accents
        self.min_confidence_latin = min_confidence_latin
        self.min_confidence_script = min_confidence_script

    def language(self, text: str) -> Optional[str]:
        """The ISO code of a language other than English the text is clearly written in, else None."""
        words = _WORD.findall(text or "")
        if not words:
            return None
        best = self._detector.compute_language_confidence_values(text)[0]
        code = self._codes[best.language]
        if code == ENGLISH:
            return None
        if code in _NON_LATIN_SCRIPTS:
            return self._which_language(text) if best.value >= self.min_confidence_script else None
        accented = any(ord(letter) > 127 for word in words for letter in word)
        needed = self.min_words_with_accents if accented else self.min_words
        return self._which_language(text) if len(words) >= needed and best.value >= self.min_confidence_latin else None

    def _which_language(self, text: str) -> str:
        return self._which_codes[self._which.compute_language_confidence_values(text)[0].language]


def _detector(codes: List[str]) -> Tuple[Any, Dict[Any, str]]:
    """A Lingua detector for these ISO 639-1 codes, and the code of each of its languages."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = {code: Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in sorted(set(codes))}
    detector = (
        LanguageDetectorBuilder.from_languages(*languages.values())
        .with_preloaded_language_models()
        .with_low_accuracy_mode()
        .build()
    )
    return detector, {language: code for code, language in languages.items()}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class OtherLanguageDetector(ConfiguredComponent):
    """Makes a message in another language an ``other_language`` turn, with its language code."""

    def __init__(self, guess: LanguageGuess) -> None:
        self.guess = guess

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "languages": ["pl", "ar", "zh", "ur", "es", "cy"],
            "also_detect": ["fr", "de", "it", "pt", "ro"],
            "min_words": 5,
            "min_words_with_accents": 3,
            "min_confidence_latin": 0.99,
            "min_confidence_script": 0.9,
        }

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "OtherLanguageDetector":
        return cls(
            LanguageGuess(
                list(config["languages"]),
                list(config["also_detect"]),
                int(config["min_words"]),
                int(config["min_words_with_accents"]),
                float(config["min_confidence_latin"]),
                float(config["min_confidence_script"]),
            )
        )

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            language = self.guess.language(message.get(TEXT) or "")
            if language is not None:
                force_intent(message, OTHER_LANGUAGE_INTENT)
                message.set(LANGUAGE_KEY, language, add_to_output=True)
            elif (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == OTHER_LANGUAGE_INTENT:
                # The classifier thought so, the detector does not: never switch an English reader away.
                force_intent(message, DEFAULT_NLU_FALLBACK_INTENT_NAME)
        return messages
