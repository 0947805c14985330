"""Replace personal data in patients' text with typed placeholders before it is stored or logged.

Why: patients type their names, NHS numbers, phone numbers and dates of birth into the chat, and Rasa
open source keeps every message in clear in its tracker store and writes it to its logs (its
anonymisation exists only in the paid edition). A hospital must not hold that data in clear. This
module is the one place that knows what personal data looks like; the tracker store
(``assistant/store/redacting.py``) and the log redaction (``assistant/privacy/log_redaction.py``) both use it.

What it finds, and the placeholder it leaves:

- ``[EMAIL]``: e-mail addresses;
- ``[NHS_NUMBER]``: 10 digits, with any spacing, whose mod-11 check digit is valid;
- ``[DATE]``: full dates (``12/03/1961``, ``1961-03-12``, ``12th March 1961``, ``March 12, 1961``) and
  any date after a birth cue (``born``, ``DOB``, ``birthday``...);
- ``[PHONE]``: UK (and international) phone numbers, found by Google's ``phonenumbers`` library;
- ``[POSTCODE]``: full UK postcodes (``CH63 4JY``);
- ``[NAME]``: names introduced by a phrase (``my name is…``, ``call me…``, ``I'm Sarah``,
  ``this is Priya``, ``my husband John…``, ``Mrs Jones``), and names typed with no such phrase
  (``sarah jones, my dad has a fever``), found from name lists (:mod:`assistant.privacy.names`);
- ``[NUMBER]``: any other run of 8 or more digits (hospital numbers, a mistyped NHS number).

Temperatures, pulse rates and other short numbers are kept: they carry no identity, and staff
reviewing a conversation need them. When unsure, this module redacts: a placeholder too many in a
stored conversation costs little, a name kept in clear is a breach. It only changes what is *kept*:
NLU and the urgent-symptom detector see the patient's own words for the current turn.
"""

from __future__ import annotations

import re
from typing import Any, FrozenSet, List, Match, Pattern, Tuple

import phonenumbers

from assistant.privacy.name_cues import NAME, replace_names_after_cues
from assistant.privacy.names import is_listed_name, replace_names_without_cue

EMAIL = "[EMAIL]"
NHS_NUMBER = "[NHS_NUMBER]"
DATE = "[DATE]"
PHONE = "[PHONE]"
POSTCODE = "[POSTCODE]"
NUMBER = "[NUMBER]"
PLACEHOLDERS = (EMAIL, NHS_NUMBER, DATE, PHONE, POSTCODE, NAME, NUMBER)

PHONE_REGION = "GB"

# Every pattern here runs on what patients type, so each does a bounded amount of work per starting position
# (no nested or adjacent unbounded repeats that can match the same characters): its time grows with the
# length of the text, never with its square (tests/assistant/privacy/test_redaction_time.py). An address's
# parts are bounded as the e-mail standard bounds them (64 characters before the @, 63 per domain label):
# unbounded, a long run of letters without an @ took seconds.
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}", re.UNICODE)
# 10 digits, each pair separated by at most a few spaces, dots or dashes ("943 476 5919").
_TEN_DIGITS = re.compile(r"(?<![\d])\d(?:[ \t.\-]{0,3}\d){9}(?![\d])")
# Not inside a longer token: "1764172246.12" (a timestamp), "e7c6292148889541a" (an id).
_LONG_DIGITS = re.compile(r"(?<![\w.])\d(?:[ \-]?\d){7,}(?!\w|\.\d)")
_IP_ADDRESS = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_DECIMAL = re.compile(r"\d+\.\d+")
MIN_PHONE_DIGITS = 9
MAX_PHONE_DIGITS = 15  # the longest international number (ITU E.164)
MAX_PHONE_PARSES = 20
# A run of digits and the separators people type inside phone numbers: "+44 (0)151 318 8625", "0151-318-8625".
_NUMBER_RUN = re.compile(r"\+?\(?\d[\d \t().\-]*\d")

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_DATE_PATTERNS: Tuple[Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # 12/03/1961, 12-3-61, 12.03.1961 (and the American month-first order)
        r"(?<![\d/.\-])(?:0?[1-9]|[12]\d|3[01])[/.\-](?:0?[1-9]|[12]\d|3[01])[/.\-](?:\d{4}|\d{2})(?![\d/.\-]*\d)",
        # 1961-03-12
        rf"(?<!\d){_YEAR}[/.\-](?:0?[1-9]|1[0-2])[/.\-](?:0?[1-9]|[12]\d|3[01])(?!\d)",
        # 12th (of) March(,) 1961 / 12 Mar 61
        rf"\b{_DAY}\s*(?:of\s+)?{_MONTH}[\s,]*(?:{_YEAR}|'?\d{{2}})\b",
        # March 12(th)(,) 1961
        rf"\b{_MONTH}\s*{_DAY}[\s,]+{_YEAR}\b",
    )
)
# After "born", "DOB" or "birthday", any date-like phrase is a date of birth, even without a year.
_BIRTH_DATE = re.compile(
    rf"(?P<cue>\b(?:born|d\.?o\.?b\.?|date\s+of\s+birth|birth\s*day|birthdate)\b(?:\s*(?:is|was|on|in|:|-|=))*\s*)"
    rf"(?P<date>(?:{_DAY}\s*(?:of\s+)?{_MONTH}(?:[\s,]*(?:{_YEAR}|'?\d{{2}}))?"
    rf"|{_MONTH}\s*(?:{_DAY}(?:[\s,]+{_YEAR})?|{_YEAR})"
    rf"|\d{{1,2}}[/.\-]\d{{1,2}}(?:[/.\-]\d{{2,4}})?"
    rf"|{_YEAR}))",
    re.IGNORECASE,
)
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[A-Z]{2}\b", re.IGNORECASE)


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number's modulus-11 check (NHS Data Dictionary): weights 10..2, check = 11 - sum % 11."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=False))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _replace_nhs_numbers(text: str) -> str:
    def replace(match: Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        return NHS_NUMBER if nhs_number_is_valid(digits) else match.group()

    return _TEN_DIGITS.sub(replace, text)


def _replace_dates(text: str) -> str:
    for pattern in _DATE_PATTERNS:
        text = pattern.sub(DATE, text)
    return _BIRTH_DATE.sub(lambda m: m.group("cue") + DATE, text)


def _replace_phones(text: str) -> str:
    """Phone numbers, found by ``phonenumbers`` inside each run of digits and separators.

    Why run by run: the library's matcher costs ~75 µs per character of digit-dense text, so a message of
    numbers would hold the server for seconds. Here it sees only runs that could hold one phone number (9 to
    15 digits), at most ``MAX_PHONE_PARSES`` of them; a longer run, or one past that many, is hidden whole.
    """
    if sum(ch.isdigit() for ch in text) < 6:
        return text
    spans: List[Tuple[int, int]] = []
    parses = 0
    for run in _NUMBER_RUN.finditer(text):
        digits = sum(ch.isdigit() for ch in run.group())
        if digits < MIN_PHONE_DIGITS:
            continue
        if digits > MAX_PHONE_DIGITS or parses >= MAX_PHONE_PARSES:
            spans.append(run.span())  # several numbers typed together, or a flood of them: hide it all
            continue
        parses += 1
        # POSSIBLE, not VALID: a number from a range not yet allocated (or mistyped) is still someone's.
        matcher = phonenumbers.PhoneNumberMatcher(run.group(), PHONE_REGION, leniency=phonenumbers.Leniency.POSSIBLE)
        for match in matcher:
            start, end = run.start() + match.start, run.start() + match.end
            if _looks_like_a_phone_number(text, start, end):
                spans.append((start, end))
    for start, end in reversed(spans):
        text = text[:start] + PHONE + text[end:]
    return text


def _looks_like_a_phone_number(text: str, start: int, end: int) -> bool:
    """Drop what ``phonenumbers`` accepts at its loosest but is not a phone number: short numbers,
    IP addresses, parts of decimal numbers (timestamps) or of longer tokens (ids)."""
    raw = text[start:end]
    if sum(ch.isdigit() for ch in raw) < MIN_PHONE_DIGITS or _IP_ADDRESS.fullmatch(raw) or _DECIMAL.fullmatch(raw):
        return False
    before, after = text[max(0, start - 2) : start], text[end : end + 2]
    inside_decimal = (before[-1:] == "." and before[:1].isdigit()) or (after[:1] == "." and after[1:].isdigit())
    inside_token = before[-1:].isalnum() or after[:1].isalnum()
    return not (inside_decimal or inside_token)


def redact(text: str) -> str:
    """``text`` with every piece of personal data it recognises replaced by a typed placeholder."""
    if not isinstance(text, str) or not text:
        return text
    text = _EMAIL.sub(EMAIL, text)
    text = _replace_nhs_numbers(text)
    text = _replace_dates(text)
    text = _replace_phones(text)
    text = _POSTCODE.sub(POSTCODE, text)
    text = replace_names_after_cues(text, is_listed_name)
    text = replace_names_without_cue(text)
    return _LONG_DIGITS.sub(NUMBER, text)


def redact_value(value: Any, skip_keys: FrozenSet[str] = frozenset()) -> Any:
    """A copy of ``value`` (JSON-like: dicts, lists, strings) with every string redacted.

    Keys in ``skip_keys`` keep their values (e.g. intent rankings, which hold only staff content).
    """
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: (v if k in skip_keys else redact_value(v, skip_keys)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(v, skip_keys) for v in value]
    return value
