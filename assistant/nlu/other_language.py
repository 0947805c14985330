"""Rasa NLU component: a message written in a language the assistant cannot answer gets, first, a notice.

Why: the answers are approved in English only. A patient who writes in Polish, Arabic, Chinese, Urdu,
Bengali, Spanish or Welsh should not get an English "not sure" or a wrong answer, but a notice in their
language: this assistant answers in English, the centre can arrange an interpreter, and where to get urgent
help (``utter_other_language``; the translations are in ``content/other_languages.yml``). Any other language
gets the same notice in English, so that everyone's first reply gives the urgent routes.

Words that say nothing about the language (``ignore``: "CAR-T", the centre's name) are left out first: in
"CAR-T治疗后说话含糊不清" or "¿Qué es la terapia CAR-T?" they made the message look English.

- **Another script.** The assistant answers in English only, so a message written mostly in a script other
  than the Latin alphabet (Arabic, Bengali, Devanagari, Chinese, Cyrillic, Ethiopic...) gets the notice
  whatever its length: in Arabic script the language is told by Lingua (Arabic, Urdu or Persian; letters
  only Urdu has decide first), Chinese characters are Chinese unless kana make them Japanese, Bengali
  script is Bengali; any other script gets the English notice.
- **Latin alphabet.** The language is detected by Lingua (``lingua-language-detector``, its models inside the
  PyPI package, nothing downloaded), in its low-accuracy mode (trigrams only: tens of MB instead of several
  hundred), in two steps. First, among English and the supported languages: is the message clearly not
  English? Then, among the supported languages and a few others (``also_detect``): which one is it? (Asked in
  one step, the extra languages made some English questions look French or German; left out, Italian looked
  Welsh.) Switching away from English must never happen to an English message with typos, so it needs strong
  evidence: at least ``min_words`` words (``min_words_with_accents`` when a word has letters outside
  English's alphabet, such as ł, ñ or ŵ) and a confidence of ``min_confidence_latin``; checked on every
  English example, test message and red-flag message (tests/assistant/nlu/test_other_language.py). A message
  with Spanish's opening ``¿`` or ``¡`` is Spanish whatever its length: no other language writes them, and a
  short "¿qué es car-t?" is too little for Lingua's confidence.

A language detected but not supported gets the English notice. It runs before the urgent-symptom detector,
so a red flag in the same message (in English or in the patient's language) still gets urgent help first.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any, Dict, List, Optional, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu import ConfiguredComponent, force_intent

OTHER_LANGUAGE_INTENT = "other_language"
LANGUAGE_KEY = "language"  # ISO 639-1 code of the detected language (or "und"), in the parse data
ENGLISH = "en"
UNDETERMINED = "und"  # another script, but no language the detector knows in it (BCP 47's "undetermined")
_WORD = re.compile(r"[^\W\d_]+")
# Letters only Urdu (among the Arabic-script languages Lingua knows) writes; and Sorani Kurdish's, which Lingua
# does not know (it would take it for Persian or Arabic).
_URDU_LETTERS = frozenset("ٹڈڑںہھےۓ")
_SORANI_LETTERS = frozenset("ەێۆڕڵ")
_LANGUAGE_OF_SCRIPT = {"CJK": "zh", "BENGALI": "bn", "HIRAGANA": "ja", "KATAKANA": "ja", "HANGUL": "ko"}
# The opening question and exclamation marks only Spanish writes: "¿qué es car-t?" is Spanish however short.
_SPANISH_MARKS = frozenset("¿¡")


def script_of(letter: str) -> str:
    """The script of a letter, as Unicode names it: LATIN, ARABIC, CJK, BENGALI, CYRILLIC, ETHIOPIC..."""
    return unicodedata.name(letter, "").split(" ", 1)[0]


class LanguageGuess:
    """Which language a message is written in, with the thresholds that keep English messages English."""

    def __init__(
        self,
        languages: List[str],
        also_detect: List[str],
        ignore: List[str],
        min_words: int,
        min_words_with_accents: int,
        min_confidence_latin: float,
    ) -> None:
        self._detector, self._codes = _detector([ENGLISH, *languages])
        self._which, self._which_codes = _detector([*languages, *also_detect])
        self._ignore = [re.compile(pattern, re.IGNORECASE) for pattern in ignore]
        self.min_words = min_words
        self.min_words_with_accents = min_words_with_accents
        self.min_confidence_latin = min_confidence_latin

    def language(self, text: str) -> Optional[str]:
        """The code of the language other than English the text is written in (``und`` for a script whose
        language is not known), or None when it is English, or may be."""
        text = text or ""
        for pattern in self._ignore:
            text = pattern.sub(" ", text)
        letters = [character for character in text if character.isalpha()]
        scripts = Counter(script_of(letter) for letter in letters)
        latin = scripts.pop("LATIN", 0)
        if scripts and sum(scripts.values()) >= latin:
            return self._language_in_script(text, scripts)
        return self._language_in_latin(text)

    def _language_in_script(self, text: str, scripts: "Counter[str]") -> str:
        """Another script than the Latin alphabet: always a language the assistant cannot answer in."""
        if scripts["HIRAGANA"] or scripts["KATAKANA"]:
            return "ja"
        script = scripts.most_common(1)[0][0]
        if script != "ARABIC":
            return _LANGUAGE_OF_SCRIPT.get(script, UNDETERMINED)
        if _URDU_LETTERS.intersection(text):
            return "ur"
        if _SORANI_LETTERS.intersection(text):
            return "ku"
        # Without any of its own letters, Urdu is unlikely: Lingua then tells Arabic from Persian.
        return self._which_language(text, unless="ur")

    def _language_in_latin(self, text: str) -> Optional[str]:
        words = _WORD.findall(text)
        if not words:
            return None
        if _SPANISH_MARKS.intersection(text):
            return "es"
        best = self._detector.compute_language_confidence_values(text)[0]
        if self._codes[best.language] == ENGLISH:
            return None
        accented = any(ord(letter) > 127 for word in words for letter in word)
        needed = self.min_words_with_accents if accented else self.min_words
        return self._which_language(text) if len(words) >= needed and best.value >= self.min_confidence_latin else None

    def _which_language(self, text: str, unless: str = "") -> str:
        ranked = [self._which_codes[value.language] for value in self._which.compute_language_confidence_values(text)]
        return next(code for code in ranked if code != unless)


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
            "languages": ["pl", "ar", "zh", "ur", "bn", "es", "cy"],
            "also_detect": ["fr", "de", "it", "pt", "ro", "fa", "lt", "so", "tr"],
            "ignore": [],
            "min_words": 5,
            "min_words_with_accents": 3,
            "min_confidence_latin": 0.99,
        }

    @classmethod
    def from_config(cls, config: Dict[str, Any]) -> "OtherLanguageDetector":
        return cls(
            LanguageGuess(
                list(config["languages"]),
                list(config["also_detect"]),
                [str(pattern) for pattern in config["ignore"]],
                int(config["min_words"]),
                int(config["min_words_with_accents"]),
                float(config["min_confidence_latin"]),
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
