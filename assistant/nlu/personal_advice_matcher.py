"""Recognise requests for personal medical advice without any trained model.

Why: the assistant must never advise on a patient's own medicines, doses, results or everyday choices
("how much paracetamol can I take after my CAR-T?"). The trained classifier usually sends such questions
to ``personal_advice``, but not always: a question full of catalogue words ("CAR-T", "after") can land on
a catalogue answer or on "not sure". This detector, like the urgent-symptom one, makes the decision
deterministic for the clear cases, from a word list the clinical team owns (``content/personal_advice.yml``).
Anything it does not catch still goes through the classifier as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Pattern

import yaml

from assistant.content import PERSONAL_ADVICE_PATH

DEFAULT_LEXICON_PATH = PERSONAL_ADVICE_PATH
_LISTS = (
    "medicines",
    "dose_words",
    "medicine_actions",
    "results",
    "result_judgements",
    "choices",
    "asking",
    "personal",
)
# A value someone read off a result ("platelets are 30", "crp 50"), not a time span ("for 28 days").
_VALUE = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)?(?![\d.])(?!\s*(?:days?|weeks?|wks?|months?|years?|yrs?|hours?|hrs?|mins?)\b)"
)
_SENTENCE_END = re.compile(r"[.?!;\n]+")


def _phrase_pattern(phrases: Iterable[str]) -> Pattern[str]:
    """One regex for a word list: whole words, any run of spaces between the words of a phrase."""
    alternatives = sorted(
        {re.escape(p.strip().lower()).replace(r"\ ", r"\s+") for p in phrases if p.strip()}, key=len, reverse=True
    )
    return re.compile(r"(?<![\w'-])(?:" + "|".join(alternatives) + r")(?![\w'-])")


@dataclass(frozen=True)
class AdviceLexicon:
    """The compiled word lists of ``content/personal_advice.yml``."""

    patterns: Dict[str, Pattern[str]]

    @classmethod
    def from_mapping(cls, data: Dict[str, List[str]]) -> "AdviceLexicon":
        missing = [name for name in _LISTS if not data.get(name)]
        if missing:
            raise ValueError(f"personal advice lexicon: missing or empty list(s): {', '.join(missing)}")
        return cls({name: _phrase_pattern(data[name]) for name in _LISTS})

    def first(self, name: str, text: str) -> Optional[re.Match]:
        return self.patterns[name].search(text)


@lru_cache(maxsize=4)
def load_lexicon(path: Path = DEFAULT_LEXICON_PATH) -> AdviceLexicon:
    with open(path, encoding="utf-8") as handle:
        return AdviceLexicon.from_mapping(yaml.safe_load(handle) or {})


@dataclass(frozen=True)
class AdviceFinding:
    """Why a sentence was judged to ask for personal advice (shown in logs and tests)."""

    kind: str  # "medicine", "result" or "choice"
    sentence: str


class PersonalAdviceMatcher:
    """Decides, sentence by sentence, whether a message asks for advice about one person's care."""

    def __init__(self, lexicon: Optional[AdviceLexicon] = None) -> None:
        self.lexicon = lexicon or load_lexicon()

    def detect(self, text: str) -> Optional[AdviceFinding]:
        for sentence in _SENTENCE_END.split(text.lower()):
            kind = self._kind(sentence)
            if kind:
                return AdviceFinding(kind, sentence.strip())
        return None

    def _kind(self, sentence: str) -> Optional[str]:
        has = lambda name: self.lexicon.first(name, sentence) is not None  # noqa: E731
        personal_question = has("asking") and has("personal")
        if has("medicines") and (has("dose_words") or (has("medicine_actions") and personal_question)):
            return "medicine"
        result = self.lexicon.first("results", sentence)
        if result is not None:
            after = sentence[result.end() :]
            if _VALUE.search(sentence) or (has("personal") and self.lexicon.first("result_judgements", after)):
                return "result"
        if has("choices") and has("asking"):
            return "choice"
        return None
