"""Find urgent symptoms in a message with spaCy, without any trained model.

Why: a patient after CAR-T who writes "temp 38.2 and shivery" must be told to call for help every
time, whatever the intent classifier thinks. This module is deterministic: a spaCy ``Matcher`` over
lemmas (from the project's lookup lemmatizer) built from the staff-owned lexicon
``content/red_flags.yml``, plus readings written as numbers (temperature, pulse, oxygen).

It separates a *report* ("my dad is confused") from a *question about* a symptom
("is confusion a side effect?"): a report, or any abnormal reading, is urgent. A question, a negated
mention ("no fever") or a hypothetical one ("if I get a fever") is only a *mention*: the assistant
answers it and adds the Hotline line. When unsure, it errs towards urgent.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import yaml
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token

from assistant.content import URGENT_SYMPTOMS_PATH

DEFAULT_LEXICON_PATH = URGENT_SYMPTOMS_PATH

# spaCy splits contractions ("can't" → "ca" + "n't", "cant" → "ca" + "nt"); these give the words back.
_CONTRACTION_KEYS = {"ca": "can", "wo": "will", "n't": "not", "nt": "not", "ai": "be", "sha": "shall"}
_NUMBER_IN_TEXT = re.compile(
    r"(?<![\d.,£$])(\d{2,3}(?:[.,]\d{1,2})?)\s*(°\s*[cf]?|degrees?\s*(?:c|f|celsius|fahrenheit)?|deg|celsius|fahrenheit|c\b|f\b|%|bpm)?",
    re.IGNORECASE,
)
_NOT_A_READING_AFTER = re.compile(
    r"^\s*(?:kg|g\b|mg|ml|mmol|years?|yrs?|days?|weeks?|wks?|months?|hours?|hrs?|mins?|minutes?|miles?|km|am\b|pm\b|pounds?|quid|p\b|x\b|cm|mm|units?|tablets?|pills?|people|times?)",
    re.IGNORECASE,
)
_GAP = "*"
_SURFACE = "="


@dataclass(frozen=True)
class SignMatch:
    """One symptom found in the message."""

    sign: str
    text: str
    start: int  # token index
    end: int
    negated: bool = False
    hypothetical: bool = False
    clause_start: int = 0


@dataclass
class RedFlagResult:
    """What the detector concluded about one message."""

    urgent: bool
    signs: List[str] = field(default_factory=list)  # signs that made it urgent
    mentions: List[str] = field(default_factory=list)  # signs only mentioned (question, negated, ...)
    readings: List[str] = field(default_factory=list)  # abnormal readings, e.g. "temperature 38.2"
    matches: List[SignMatch] = field(default_factory=list)


@dataclass(frozen=True)
class Lexicon:
    """The staff-owned red-flag vocabulary (``content/red_flags.yml``)."""

    signs: Dict[str, List[str]]
    high_celsius: float
    low_celsius: float
    celsius_range: Tuple[float, float]
    fahrenheit_range: Tuple[float, float]
    temperature_cues: Set[str]
    pulse_high: float
    pulse_cues: List[str]
    oxygen_low: float
    oxygen_cues: List[str]
    negations: Set[str]
    negation_reaches_over: Set[str]
    resolved_after: Set[str]
    asked_about: Set[str]
    earlier_state: Set[str]
    compared_after_never: Set[str]
    hypothetical: Set[str]
    unsure_before_if: Set[str]
    future: Set[str]
    personal: Set[str]
    question_words: Set[str]
    question_words_with_mark: Set[str]
    treatment_subjects: Set[str]
    causal_verbs: Set[str]
    contact_words: Set[str]
    asking_words: Set[str]
    exclusions: List[str]
    topic_phrases: List[str]

    @classmethod
    def load(cls, path: Path = DEFAULT_LEXICON_PATH) -> "Lexicon":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        temperature, vital = data["temperature"], data["vital_signs"]
        return cls(
            signs={sign: [str(p) for p in phrases] for sign, phrases in data["signs"].items()},
            high_celsius=float(temperature["high_celsius"]),
            low_celsius=float(temperature["low_celsius"]),
            celsius_range=tuple(temperature["celsius_range"]),
            fahrenheit_range=tuple(temperature["fahrenheit_range"]),
            temperature_cues={str(c).lower() for c in temperature["cues"]},
            pulse_high=float(vital["pulse_high"]),
            pulse_cues=[str(c).lower() for c in vital["pulse_cues"]],
            oxygen_low=float(vital["oxygen_low"]),
            oxygen_cues=[str(c).lower() for c in vital["oxygen_cues"]],
            negations={str(w) for w in data["negations"]},
            negation_reaches_over={str(w) for w in data["negation_reaches_over"]},
            resolved_after={str(w) for w in data["resolved_after"]},
            asked_about={str(w) for w in data["asked_about"]},
            earlier_state={str(w) for w in data["earlier_state"]},
            compared_after_never={str(w) for w in data["compared_after_never"]},
            hypothetical={str(w) for w in data["hypothetical"]},
            unsure_before_if={str(w) for w in data["unsure_before_if"]},
            future={str(w) for w in data["future"]},
            personal={str(w) for w in data["personal"]},
            question_words={str(w) for w in data["question_words"]},
            question_words_with_mark={str(w) for w in data["question_words_with_mark"]},
            treatment_subjects={str(w) for w in data["treatment_subjects"]},
            causal_verbs={str(w) for w in data["causal_verbs"]},
            contact_words={str(w) for w in data["contact_words"]},
            asking_words={str(w) for w in data["asking_words"]},
            exclusions=[str(p) for p in data.get("exclusions", [])],
            topic_phrases=[str(p) for p in data.get("topic_phrases", [])],
        )


class UrgentSymptomMatcher:
    """Finds urgent symptoms in spaCy ``Doc`` objects made by the project's pipeline."""

    def __init__(self, nlp: Language, lexicon: Optional[Lexicon] = None) -> None:
        self.nlp = nlp
        self.lexicon = lexicon or Lexicon.load()
        if not Token.has_extension("red_flag_key"):
            Token.set_extension("red_flag_key", default=None)
        self._fuzzy_vocabulary: List[str] = []
        self.matcher = Matcher(nlp.vocab)
        for sign, phrases in self.lexicon.signs.items():
            patterns = [self._pattern(phrase) for phrase in phrases]
            self.matcher.add(sign, [p for p in patterns if p])
        self.exclusions = self._phrase_matcher("EXCLUDE", self.lexicon.exclusions)
        # "how do i avoid infections", "infection risk": the sign is a topic, so a mention, never a report.
        self.topics = self._phrase_matcher("TOPIC", self.lexicon.topic_phrases)
        self._fuzzy_vocabulary = sorted(set(self._fuzzy_vocabulary))
        self._fuzzy_set = set(self._fuzzy_vocabulary)

    # -- building patterns -------------------------------------------------------------------
    def _phrase_matcher(self, label: str, phrases: Sequence[str]) -> Matcher:
        matcher = Matcher(self.nlp.vocab)
        matcher.add(label, [p for p in map(self._pattern, phrases) if p])
        return matcher

    def _phrase_keys(self, phrase: str) -> List[str]:
        return [self._base_key(token) for token in self.nlp(phrase.lower())]

    def _pattern(self, phrase: str) -> List[dict]:
        pattern: List[dict] = []
        for word in phrase.split():
            if word == _GAP:
                pattern += [{"IS_PUNCT": False, "OP": "?"}, {"IS_PUNCT": False, "OP": "?"}]
            elif word.startswith(_SURFACE):
                pattern.append({"LOWER": word[1:]})
            else:
                for key in self._phrase_keys(word):
                    pattern.append({"_": {"red_flag_key": key}})
                    if len(key) > 5 and key.isalpha():
                        self._fuzzy_vocabulary.append(key)
        return pattern

    @staticmethod
    def _base_key(token: Token) -> str:
        lemma = (token.lemma_ or token.lower_).lower()
        return _CONTRACTION_KEYS.get(token.lower_, lemma)

    def _key(self, token: Token) -> str:
        """The token's lemma, with contractions undone and likely misspellings corrected."""
        key = self._base_key(token)
        if len(key) > 5 and key.isalpha() and key not in self._fuzzy_set:
            return _closest(key, tuple(self._fuzzy_vocabulary)) or key
        return key

    # -- detection ---------------------------------------------------------------------------
    def make_doc(self, text: str) -> Doc:
        return self.nlp(text.lower())

    def detect_text(self, text: str) -> RedFlagResult:
        return self.detect(self.make_doc(text), text)

    def detect(self, doc: Doc, text: Optional[str] = None) -> RedFlagResult:
        """Classify one message; ``doc`` must come from the project's spaCy pipeline."""
        text = doc.text if text is None else text
        for token in doc:
            token._.red_flag_key = self._key(token)
        keys = [token._.red_flag_key for token in doc]

        excluded = _covered_tokens(self.exclusions, doc)
        matches = [
            self._describe(doc, keys, match_id, start, end)
            for match_id, start, end in self.matcher(doc)
            if not excluded.intersection(range(start, end))
        ]
        topical = _covered_tokens(self.topics, doc)
        readings, reading_signs = self._abnormal_readings(text.lower())
        general_question = self._is_general_question(doc)
        # "whats the number, struggling to breathe": signs after this token are reported.
        reports_from = self._end_of_contact_question(doc) if general_question else None

        urgent_signs: List[str] = list(reading_signs)
        mentions: List[str] = []
        for match in matches:
            # In a general question a sign counts only when someone is its subject ("is it normal
            # that my dad is confused?"), not in "is confusion a side effect?".
            about_someone = (
                not general_question
                or any(key in self.lexicon.personal for key in keys[match.clause_start : match.start])
                or (reports_from is not None and self._reported_after(doc, reports_from, match.start))
            )
            as_topic = bool(topical.intersection(range(match.start, match.end)))
            counts = not match.negated and not match.hypothetical and not as_topic and about_someone
            (urgent_signs if counts else mentions).append(match.sign)
        return RedFlagResult(
            urgent=bool(urgent_signs),
            signs=_unique(urgent_signs),
            mentions=[m for m in _unique(mentions) if m not in urgent_signs],
            readings=readings,
            matches=matches,
        )

    def _describe(self, doc: Doc, keys: Sequence[str], match_id: int, start: int, end: int) -> SignMatch:
        sign = self.nlp.vocab.strings[match_id]
        clause_start = start
        while clause_start > 0 and not _ends_clause(doc[clause_start - 1]):
            clause_start -= 1
        clause_end = end
        while clause_end < len(doc) and not _ends_clause(doc[clause_end]):
            clause_end += 1
        before = keys[max(clause_start, start - 3) : start]
        after = keys[end : min(clause_end, end + 5)]
        negated = any(self._negates(before, i, keys[start:end], after) for i in range(len(before)))
        # "fever has gone", "his speech is back to normal", "tremor went away"; but "is that normal?" asks.
        if "not" not in after:
            negated = negated or any(self._resolves(doc, after, end, i) for i in range(len(after)))
        hypothetical = self._is_hypothetical(keys[clause_start:start])
        return SignMatch(sign, doc[start:end].text, start, end, negated, hypothetical, clause_start)

    def _resolves(self, doc: Doc, after: Sequence[str], end: int, i: int) -> bool:
        """Does ``after[i]`` (the words after a sign ending at token ``end``) say the sign has gone?

        "temp was fine" resolves; "is that normal?" asks; "he's confused, he was fine this morning" tells
        how a person was before (a person, then a word of ``earlier_state`` just before).
        """
        lex = self.lexicon
        if after[i] not in lex.resolved_after or (i > 0 and after[i - 1] in lex.asked_about):
            return False
        earlier = i > 0 and doc[end + i - 1].lower_ in lex.earlier_state
        return not (earlier and any(key in lex.personal for key in after[:i]))

    def _negates(self, before: Sequence[str], i: int, sign: Sequence[str] = (), after: Sequence[str] = ()) -> bool:
        """Does the negation word at ``before[i]`` reach the sign that follows ``before``?

        "not confused", "no sign of a fever", "hasn't had a temperature" negate; "can't breathe" and
        "can't stop shaking" do not; nor does a negation that another word takes for itself ("no appetite
        really confused", "not eating very drowsy", "no temp shivering all over"), unless the words are
        listed ("no temperature or shivering").
        """
        key = before[i]
        if key not in self.lexicon.negations:
            return False
        # "I've never felt so ill", "never had chest pain like this": a comparison with every earlier
        # time, not a negation.
        compared = self.lexicon.compared_after_never.intersection([*before[i + 1 :], *sign])
        if key == "never" and (compared or list(after[:2]) in (["like", "this"], ["like", "that"])):
            return False
        if key == "not" and (i > 0 and before[i - 1] in _INABILITY or before[i + 1 : i + 2] == ["stop"]):
            return False
        between = before[i + 1 :]
        return "or" in between or "nor" in between or all(w in self.lexicon.negation_reaches_over for w in between)

    def _is_hypothetical(self, clause: Sequence[str]) -> bool:
        """ "if I get a fever" is hypothetical; "not sure if he's confused" is a report, unless it looks
        ahead ("I wonder if I'll get a fever")."""
        for i, key in enumerate(clause):
            if key not in self.lexicon.hypothetical:
                continue
            rest = clause[i + 1 :]
            reports = (
                i > 0
                and clause[i - 1] in self.lexicon.unsure_before_if
                and any(w in self.lexicon.personal for w in rest[:2])
                and not any(w in self.lexicon.future for w in rest)
            )
            if not reports:
                return True
        return False

    def _is_general_question(self, doc: Doc) -> bool:
        """Does the message start like a question ("what is…", "is … ?")? Judged on the words as typed."""
        words = [token.lower_ for token in doc if token.is_alpha]
        if not words or words[1:2] in (["n't"], ["not"], ["nt"]):
            return False
        if words[0] in self.lexicon.question_words:
            return True
        if words[0] not in self.lexicon.question_words_with_mark:
            return False
        return doc.text.rstrip().endswith("?") or self._asks_what_treatment_causes(doc)

    def _asks_what_treatment_causes(self, doc: Doc) -> bool:
        """ "can car t cause seizures", "does crs make you shaky": the treatment is the subject of a
        causing verb, so it asks about a risk even without a question mark. Only when nobody is named
        anywhere in the message ("can car t cause the shivering my dad has" stays a report)."""
        keys = [token._.red_flag_key for token in doc if token.is_alpha]
        if any(key in self.lexicon.personal for key in keys):
            return False
        subject = next((i for i in (1, 2) if keys[i : i + 1] and keys[i] in self.lexicon.treatment_subjects), None)
        return subject is not None and any(key in self.lexicon.causal_verbs for key in keys[subject + 1 : subject + 4])

    def _end_of_contact_question(self, doc: Doc) -> Optional[int]:
        """The comma ending a question about whom to contact ("whats the number, struggling to breathe"),
        in a message without a question mark: a sign after it is a report even with no one named."""
        if "?" in doc.text:
            return None
        first_comma = next((token.i for token in doc if token.text == ","), None)
        if first_comma is None:
            return None
        # As typed or as lemma: the lookup lemmatizer reads "number" as "numb" (more numb).
        asks = any({token.lower_, self._base_key(token)} & self.lexicon.contact_words for token in doc[:first_comma])
        return first_comma if asks else None

    def _reported_after(self, doc: Doc, comma: int, sign_start: int) -> bool:
        """Is a sign at ``sign_start`` reported after the contact question ending at ``comma``? Not when
        the words before it ask ("what number do i ring, want to ask about fever", "who do i call, is chest
        pain a 999 thing")."""
        between = doc[comma + 1 : sign_start]
        lex = self.lexicon
        return sign_start > comma and not (
            between[:1].text in lex.question_words | lex.question_words_with_mark  # as typed, like those lists
            or lex.asking_words.intersection(token._.red_flag_key for token in between)
        )

    def _abnormal_readings(self, text: str) -> Tuple[List[str], List[str]]:
        """Numbers that are body readings outside the safe range: temperature, pulse, oxygen."""
        readings: List[str] = []
        signs: List[str] = []
        lex = self.lexicon
        text = _digits_for_number_words(text)
        for match in _NUMBER_IN_TEXT.finditer(text):
            raw, unit = match.group(1), (match.group(2) or "").replace(" ", "")
            if _NOT_A_READING_AFTER.match(text[match.end() :]) and not unit:
                continue
            value = float(raw.replace(",", "."))
            window = text[max(0, match.start() - 40) : match.start()]
            oxygen_cue = _has_cue(window, lex.oxygen_cues)
            if unit == "%" or oxygen_cue:
                if oxygen_cue and value <= lex.oxygen_low:
                    readings.append(f"oxygen {raw}")
                    signs.append("breathing")
                continue
            if unit == "bpm" or _has_cue(window, lex.pulse_cues):
                if value >= lex.pulse_high:
                    readings.append(f"pulse {raw}")
                    signs.append("racing_heart")
                continue
            celsius = self._as_celsius(value, raw, unit, window + " " + _words_after(text, match.end()))
            if celsius is None:
                continue
            if celsius >= lex.high_celsius:
                readings.append(f"temperature {raw}{unit}")
                signs.append("fever")
            elif celsius < lex.low_celsius:
                readings.append(f"temperature {raw}{unit}")
                signs.append("low_temperature")
        return readings, signs

    def _as_celsius(self, value: float, raw: str, unit: str, window: str) -> Optional[float]:
        lex = self.lexicon
        has_cue = bool(unit) or bool(set(re.findall(r"[a-z°]+", window)) & lex.temperature_cues)
        unit = unit.lower().replace("degrees", "").replace("degree", "").replace("deg", "").replace("°", "")
        is_fahrenheit = unit in {"f", "fahrenheit"}
        if is_fahrenheit:
            low, high = lex.fahrenheit_range
            return (value - 32) * 5 / 9 if low <= value <= high else None
        low, high = lex.celsius_range
        if low <= value <= high and (has_cue or "." in raw or "," in raw):
            return value
        # "temp 101" with no unit: a Fahrenheit reading.
        low_f, high_f = lex.fahrenheit_range
        if has_cue and 95 <= value <= high_f:
            return (value - 32) * 5 / 9
        return None


_INABILITY = {"can", "will", "do"}

_UNIT_WORDS = "one two three four five six seven eight nine".split()
_TEEN_WORDS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS_WORDS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_UNITS = "|".join(_UNIT_WORDS)
_BELOW_HUNDRED = rf"(?:{'|'.join(_TENS_WORDS)})(?:[\s-]+(?:{_UNITS}))?|{'|'.join(_TEEN_WORDS)}|{_UNITS}"
_NUMBER_WORDS = re.compile(
    rf"\b(?:(?:a|one)\s+hundred(?:(?:\s+and)?\s+(?:{_BELOW_HUNDRED}))?|{_BELOW_HUNDRED})"
    rf"(?:\s+point\s+(?:zero|{_UNITS}))?\b"
)


def _digits_for_number_words(text: str) -> str:
    """ "temp thirty eight point five" → "temp 38.5", "pulse a hundred and ten" → "pulse 110": readings
    typed in words. A single digit's word ("one", "nine") is left alone: readings have two or three digits."""

    def digits(match: re.Match) -> str:
        value, decimal, after_point = 0, "", False
        for word in re.findall(r"[a-z]+", match.group(0)):
            if word == "point":
                after_point = True
            elif after_point:
                decimal = "0" if word == "zero" else str(_UNIT_WORDS.index(word) + 1)
            elif word == "hundred":
                value = 100  # "one hundred": the "one" counted before it is part of the hundred
            elif word in _TENS_WORDS:
                value += 10 * (_TENS_WORDS.index(word) + 2)
            elif word in _TEEN_WORDS:
                value += _TEEN_WORDS.index(word) + 10
            elif word in _UNIT_WORDS:
                value += _UNIT_WORDS.index(word) + 1
        if value < 10:
            return match.group(0)
        return f"{value}.{decimal}" if decimal else str(value)

    return _NUMBER_WORDS.sub(digits, text)


# Words that end a clause, as punctuation does: "no temp but shivering", "38 and we have a thermometer".
_CLAUSE_BREAK = {"but", "and", "so", "because", "though"}


def _covered_tokens(matcher: Matcher, doc: Doc) -> Set[int]:
    """Indexes of the tokens inside any of the matcher's matches."""
    return {i for _, start, end in matcher(doc) for i in range(start, end)}


def _words_after(text: str, position: int, count: int = 4) -> str:
    """Up to ``count`` words after a number, within its clause: the cue in "38 on the thermometer"."""
    words: List[str] = []
    for word in re.findall(r"[a-z°]+|[.,;:!?]", text[position:])[:count]:
        if not word.isalpha() and word != "°" or word in _CLAUSE_BREAK:
            break
        words.append(word)
    return " ".join(words)


def _has_cue(window: str, cues: Sequence[str]) -> bool:
    """Is one of ``cues`` a whole word (or words) in ``window``?"""
    return any(re.search(rf"(?<![a-z]){re.escape(cue)}(?![a-z])", window) for cue in cues)


def _ends_clause(token: Token) -> bool:
    return token.is_punct or token.lower_ in _CLAUSE_BREAK


@lru_cache(maxsize=4096)
def _closest(word: str, vocabulary: Tuple[str, ...]) -> Optional[str]:
    """A lexicon word that ``word`` is a likely misspelling of ("temprature" → "temperature")."""
    candidates = [v for v in vocabulary if v[0] == word[0] and abs(len(v) - len(word)) <= 2]
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.85)
    return found[0] if found else None


def _unique(items: Iterable[str]) -> List[str]:
    return list(dict.fromkeys(items))
