"""Urgent symptoms written in other languages: a staff-owned word list and a small matcher, no model.

Why: the English detector (:mod:`assistant.nlu.urgent_symptom_matcher`) reads English only, but a carer may write "mam
gorączkę", "بخار ہے", "发烧" or "shash kosto hocche". A list of the urgent signs in each language people here
write in (``content/red_flags_other_languages.yml``, owned by the clinical team like the English list) finds
them, deterministically, in any message, whatever language the detector guessed: in these languages, when
unsure, urgent (no question or negation logic: a message that names a sign gets urgent help).

Matching is done on normalised words (lower case; the accents, vowel marks and letter variants people leave
out or type differently removed on both sides: "goraczka" finds gorączka, Arabic-keyboard "رهي" finds Urdu
"رہی"). Chinese has no spaces: its words are found anywhere in the message. A phrase whose words are all
English words ("convulsion", "temperature" typed without the Polish ę) never counts: English messages are
the English detector's to judge, so a question such as "is confusion a side effect?" stays a question.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import yaml

GAP = "*"
MAX_GAP_WORDS = 2
MAX_GAP_CHARACTERS = 3

# Letters typed in several ways: Arabic and Urdu letter variants, the Latin letters that have no accent to
# strip (ł, ø), and marks people leave out (Arabic short vowels and tatweel, the Bengali chandrabindu and
# nukta, zero-width joiners).
_SAME_LETTER = str.maketrans(
    {
        **dict.fromkeys("أإآٱ", "ا"),
        "ؤ": "و",
        **dict.fromkeys("ئىیےۓ", "ي"),
        **dict.fromkeys("ةہھۃۀ", "ه"),
        "ک": "ك",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        **dict.fromkeys(map(chr, range(0x064B, 0x0660)), None),  # Arabic short vowels, shadda, sukun, hamza marks
        **dict.fromkeys("\u0670\u0640\u0621", None),  # superscript alef, tatweel, lone hamza
        **dict.fromkeys("\u0981\u09bc", None),  # Bengali chandrabindu and nukta
        **dict.fromkeys("\u200c\u200d", None),  # zero-width (non-)joiners
    }
)
_LATIN_ACCENTS = re.compile("[\u0300-\u036f]")


def normalise(word: str) -> str:
    """One spelling of a typed word: lower case, no accents or vowel marks, one form of each letter."""
    word = unicodedata.normalize("NFKC", word).lower().translate(_SAME_LETTER)
    return unicodedata.normalize("NFC", _LATIN_ACCENTS.sub("", unicodedata.normalize("NFD", word)))


def typed_words(text: str) -> List[str]:
    """The words of a message as typed (lower case): runs of letters, marks and digits."""
    words: List[str] = []
    current: List[str] = []
    for character in unicodedata.normalize("NFKC", text).lower():
        if unicodedata.category(character)[0] in "LMN":
            current.append(character)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


@dataclass(frozen=True)
class Phrase:
    """One entry of a language's list: normalised words, ``word*`` (starts so) or ``*`` (a gap)."""

    sign: str
    words: Tuple[str, ...]


class WordList:
    """One language's signs, as the clinical team wrote them, indexed by their first word."""

    def __init__(
        self,
        key: str,
        reply_in: str,
        phrases: Sequence[Phrase],
        attached_before: Sequence[str] = (),
        without_spaces: bool = False,
        exclusions: Sequence[str] = (),
    ) -> None:
        self.key = key  # "pl", "ur-Latn"
        self.reply_in = reply_in  # the language of the urgent-help message its writers get
        self.phrases = tuple(phrases)
        self.attached_before = tuple(attached_before)
        self.without_spaces = without_spaces
        self.exclusions = tuple(exclusions)
        self._by_first: Dict[str, List[Phrase]] = {}
        for phrase in self.phrases:
            self._by_first.setdefault(phrase.words[0], []).append(phrase)

    def starting_with(self, forms: Tuple[str, ...]) -> List[Phrase]:
        """The phrases whose first word is one of ``forms`` (a word, and the word without attached words), as
        written or as the start of it ("gorącz*")."""
        found: List[Phrase] = []
        for form in forms:
            found += self._by_first.get(form, [])
            for end in range(1, len(form) + 1):
                found += self._by_first.get(form[:end] + GAP, [])
        return found


@dataclass(frozen=True)
class FoundSigns:
    """Urgent signs found in a message in another language, and the languages of the lists that found them."""

    signs: List[str]
    languages: List[str]  # reply languages of the lists that found a sign, in the file's order


def load_word_lists(path: Path) -> List[WordList]:
    """The lists of ``content/red_flags_other_languages.yml``, in the file's order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lists = []
    for key, entry in (data.get("languages") or {}).items():
        without_spaces = bool(entry.get("written_without_spaces"))
        phrases = tuple(
            Phrase(str(sign), _pattern(str(phrase)))
            for sign, written in (entry.get("signs") or {}).items()
            for phrase in written
        )
        attached = sorted({normalise(str(w)) for w in entry.get("attached_before") or []}, key=len, reverse=True)
        lists.append(
            WordList(
                key=str(key),
                reply_in=str(entry.get("reply_in") or key),
                phrases=phrases,
                attached_before=tuple(attached),
                without_spaces=without_spaces,
                exclusions=tuple(normalise(str(e)) for e in entry.get("exclusions") or []),
            )
        )
    return lists


def _pattern(phrase: str) -> Tuple[str, ...]:
    """ "ból * klat*" → ("bol", "*", "klat*"); a word without letters is a mistake in the list, refused at start."""
    words = []
    for word in phrase.split():
        stem = "".join(normalise(w) for w in typed_words(word))
        if word != GAP and not stem:
            raise ValueError(f"'{phrase}': '{word}' has no letters (write '*' alone for a gap, or 'word*')")
        words.append(GAP if word == GAP else stem + GAP if word.endswith(GAP) else stem)
    if not words or words[0] == GAP:
        raise ValueError(f"'{phrase}': a phrase starts with a word, not with '*'")
    return tuple(words)


class OtherLanguageSigns:
    """Finds the signs of every word list in a message."""

    def __init__(self, word_lists: Sequence[WordList], is_english: Callable[[str], bool]) -> None:
        self.word_lists = list(word_lists)
        self.is_english = is_english
        self._character_patterns = {
            id(phrase): _character_regex(phrase.words)
            for w in self.word_lists
            if w.without_spaces
            for phrase in w.phrases
        }

    @classmethod
    def load(cls, path: Path, is_english: Callable[[str], bool]) -> "OtherLanguageSigns":
        return cls(load_word_lists(path), is_english)

    def find(self, text: str) -> Optional[FoundSigns]:
        """The signs in ``text`` found by any list, or None."""
        typed = typed_words(text)
        normalised = [normalise(word) for word in typed]
        signs: List[str] = []
        languages: List[str] = []
        for word_list in self.word_lists:
            found = (
                self._in_characters(word_list, normalised)
                if word_list.without_spaces
                else self._in_words(word_list, typed, normalised)
            )
            if found:
                signs += [sign for sign in found if sign not in signs]
                if word_list.reply_in not in languages:
                    languages.append(word_list.reply_in)
        return FoundSigns(signs, languages) if signs else None

    def _in_characters(self, word_list: WordList, normalised: List[str]) -> List[str]:
        """Chinese: the phrases anywhere in the message, once the exclusions ("很困难") are taken out."""
        text = "".join(normalised)
        for exclusion in word_list.exclusions:
            text = text.replace(exclusion, "|")
        return _unique(p.sign for p in word_list.phrases if self._character_patterns[id(p)].search(text))

    def _in_words(self, word_list: WordList, typed: List[str], normalised: List[str]) -> List[str]:
        forms = [_forms(word, word_list.attached_before) for word in normalised]
        found: List[str] = []
        for start, word_forms in enumerate(forms):
            for phrase in word_list.starting_with(word_forms):
                if phrase.sign in found:
                    continue
                # A phrase made only of English words is the English detector's to judge.
                if any(
                    not all(self.is_english(typed[i]) for i in matched)
                    for matched in _match_from(phrase.words, forms, start)
                ):
                    found.append(phrase.sign)
        return found


def _unique(items: Iterable[str]) -> List[str]:
    return list(dict.fromkeys(items))


def _forms(word: str, attached_before: Sequence[str]) -> Tuple[str, ...]:
    """The word, and the word without the short words written joined to it ("بالصدر" → "الصدر", "صدر")."""
    forms = [word]
    for _ in range(3):
        shorter = next(
            (word[len(a) :] for a in attached_before if word.startswith(a) and len(word) - len(a) >= 2), None
        )
        if shorter is None:
            break
        word = shorter
        forms.append(word)
    return tuple(forms)


def _word_matches(pattern: str, forms: Tuple[str, ...]) -> bool:
    if pattern.endswith(GAP):
        return any(form.startswith(pattern[:-1]) for form in forms)
    return pattern in forms


def _match_from(pattern: Tuple[str, ...], forms: List[Tuple[str, ...]], at: int) -> Iterator[List[int]]:
    """Every way ``pattern`` matches the message's words from word ``at``: the indexes of the words it matched."""
    if not pattern:
        yield []
        return
    head, rest = pattern[0], pattern[1:]
    if head == GAP:
        for skipped in range(MAX_GAP_WORDS + 1):
            yield from _match_from(rest, forms, at + skipped)
        return
    if at < len(forms) and _word_matches(head, forms[at]):
        for tail in _match_from(rest, forms, at + 1):
            yield [at, *tail]


def _character_regex(pattern: Tuple[str, ...]) -> "re.Pattern[str]":
    """ "胸 * 痛": 胸, up to three other characters, 痛."""
    return re.compile("".join(f".{{0,{MAX_GAP_CHARACTERS}}}" if part == GAP else re.escape(part) for part in pattern))


def reply_language(found: FoundSigns, detected: Optional[str]) -> str:
    """The language to answer in: the detector's, when one of the lists that found a sign is in it (an Arabic-script
    message found by both the Arabic and the Urdu list), else the first list's."""
    return detected if detected in found.languages else found.languages[0]
