"""Names typed with no cue ("sarah jones, my dad has a fever") become ``[NAME]`` before storage and logging.

Why: patients often start a message with their own or a relative's name, without "my name is" before it,
and the cue rules of :mod:`assistant.privacy.redaction` cannot see those. Here a name is recognised by
itself, from name lists: the person-name lists of Faker (PyPI, MIT licence, maintained), whose British
first names are the Office for National Statistics' baby-name figures, for the English-speaking
communities a centre in England serves (``NAME_LOCALES``). They ship inside the package: nothing is
downloaded.

Which words are names:

- a first name, in any case ("sarah", "SARAH", "Sarah");
- a surname that is not also an English word ("jones", "okafor");
- a surname that is also an English word ("baker", "burns", "hill"), and a first name from the wider lists
  that is one ("sad", "raid"), only when written with a capital, right after another name ("sarah
  baker", "tom ward") or before "family" ("baker family here"): "it burns when I pee" keeps its words;
- right after a first name, any word that is not English ("sarah fairclough"), as surnames are many.

Never a name: a word of the service's own texts (answers, system messages, the safety word lists), a
word of its example questions that is not a first name ("gene" is one in the lists, "gene therapy" is not a
name), and the words and phrases in ``content/not_names.yml`` (treatments, devices, places). A first name
that is also an everyday word ("grace", "bill", "summer") is hidden even when it was not a name: a
placeholder too many in a stored conversation costs little, a name kept in clear is a breach. The NLU
always reads the patient's own words; this changes only what is kept.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, FrozenSet, Iterable, Iterator, List, Tuple

import yaml

from assistant.content import CONTENT_DIR, ROOT

NAME = "[NAME]"
# Faker's person-name lists for the communities the centre serves; the first four are clean lists of
# names, the others also hold words that are names only in transliteration ("sad", "raid").
CORE_LOCALES = ("en_GB", "en_US", "en_IE", "en_NZ")
NAME_LOCALES = (*CORE_LOCALES, "ga_IE", "en_IN", "en_PK")
NOT_NAMES_PATH = CONTENT_DIR / "not_names.yml"

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")  # "mary-jane" is two words, joined again below
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_BETWEEN_NAMES = re.compile(r"[ \t\-]+")
_FAMILY = re.compile(r"\s+family\b", re.IGNORECASE)  # "baker family here"


def faker_names(locale: str) -> Tuple[FrozenSet[str], FrozenSet[str]]:
    """First names and surnames of one Faker locale, lower case."""
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    first = frozenset(str(n).lower() for n in (getattr(provider, "first_names", ()) or ()))
    last = frozenset(str(n).lower() for n in (getattr(provider, "last_names", ()) or ()))
    return first, last


def yaml_strings(value: Any, keys: FrozenSet[str] = frozenset()) -> Iterator[str]:
    """The strings in a YAML tree; with ``keys``, only those under these keys (e.g. ``text``)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not keys or key in keys:
                yield from yaml_strings(item)
            elif isinstance(item, (dict, list)):
                yield from yaml_strings(item, keys)
    elif isinstance(value, list):
        for item in value:
            yield from yaml_strings(item, keys)
    elif isinstance(value, str) and not keys:
        yield value


def _words(texts: Iterable[str]) -> FrozenSet[str]:
    return frozenset(w.lower() for text in texts for w in _TOKEN.findall(text))


def _yaml(path: Path) -> Any:
    """A content file's data; a missing one reads as empty, so names are still hidden (not logged here: this
    runs inside the log redaction)."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def service_words(root: Path = ROOT) -> FrozenSet[str]:
    """The words the service itself writes: answers, system messages, translations, the safety word lists.

    Only texts and button titles are read (not the reviewer fields, which may one day hold people's names).
    """
    texts = {"text", "title"}
    found: List[str] = []
    for path in [root / "domain.yml", *sorted((root / "data" / "responses").glob("*.yml"))]:
        found += yaml_strings(_yaml(path), frozenset(texts))
    for name in ("system_messages.yml", "other_languages.yml"):
        found += yaml_strings(_yaml(root / "content" / name), frozenset(texts))
    for name in ("red_flags.yml", "personal_advice.yml"):
        found += yaml_strings(_yaml(root / "content" / name))
    return _words(found)


def example_questions(root: Path = ROOT) -> List[str]:
    """Every example question in ``data/nlu`` (entity markup removed)."""
    examples: List[str] = []
    for path in sorted((root / "data" / "nlu").glob("*.yml")):
        for item in (_yaml(path) or {}).get("nlu") or []:
            for line in str((item or {}).get("examples") or "").splitlines():
                line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", re.sub(r"^\s*-\s*", "", line))
                if line.strip():
                    examples.append(line)
    return examples


@dataclass(frozen=True)
class NotNames:
    """``content/not_names.yml``: words and phrases that are never a name here."""

    words: FrozenSet[str]
    phrases: Tuple[str, ...]


def read_not_names(path: Path = NOT_NAMES_PATH) -> NotNames:
    data = _yaml(path) or {}
    return NotNames(
        frozenset(str(w).lower() for w in data.get("words") or []),
        tuple(str(p).lower() for p in data.get("phrases") or []),
    )


@lru_cache(maxsize=1)
def not_names() -> NotNames:
    return read_not_names()


@dataclass(frozen=True)
class NameLists:
    """Which words are names: ``strong`` in any case, ``weak`` only capitalised or next to a name;
    ``kept`` words and phrases never."""

    strong: FrozenSet[str]
    weak: FrozenSet[str]
    kept: FrozenSet[str]
    kept_phrases: Tuple[str, ...]
    # Right after a first name, a surname even if it is kept elsewhere: "tom ward", "mark hickman", "amy preston".
    surnames: FrozenSet[str]
    never: FrozenSet[str]  # function words: not even after a first name ("sarah and")
    english: FrozenSet[str]  # after a first name, a word that is not English is a surname ("sarah fairclough")

    @classmethod
    def build(cls, locales: Iterable[str] = NAME_LOCALES, root: Path = ROOT) -> "NameLists":
        from assistant.privacy.redaction import FUNCTION_WORDS, english_words, replace_names_after_cues

        english = english_words()
        core_first: FrozenSet[str] = frozenset()
        other_first: FrozenSet[str] = frozenset()
        last: FrozenSet[str] = frozenset()
        for locale in locales:
            first, surnames = faker_names(locale)
            if locale in CORE_LOCALES:
                core_first |= first
            else:
                other_first |= first
            last |= surnames
        every_first = core_first | other_first
        strong = core_first | (other_first - english) | (last - english)
        weak = ((other_first | last) & english) - strong
        not_names = read_not_names(root / "content" / "not_names.yml")
        # A word of the example questions is an ordinary word here, unless it is a first name: names in
        # the examples follow a cue ("I'm Sarah") and are taken out first.
        examples = _words(
            replace_names_after_cues(text, lambda word: word not in english) for text in example_questions(root)
        )
        kept = service_words(root) | (examples - every_first) | not_names.words | FUNCTION_WORDS
        return cls(
            strong - kept, weak - kept, kept, not_names.phrases, last - FUNCTION_WORDS, FUNCTION_WORDS, english | kept
        )


@lru_cache(maxsize=1)
def name_lists() -> NameLists:
    """The served lists, built once per process (about half a second)."""
    return NameLists.build()


def is_listed_name(word: str) -> bool:
    """Whether a lower-case word is a name in the lists (and not a word kept as it is)."""
    lists = name_lists()
    return word in lists.strong or word in lists.weak


def _kept_spans(lowered: str, phrases: Tuple[str, ...]) -> List[Tuple[int, int]]:
    spans = []
    for phrase in phrases:
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered):
            spans.append(match.span())
    return spans


def replace_names_without_cue(text: str, lists: "NameLists | None" = None) -> str:
    """``text`` with every name it recognises by itself replaced by ``[NAME]`` (adjacent names merged)."""
    lists = lists or name_lists()
    kept = _kept_spans(text.lower(), lists.kept_phrases)
    names: List[Tuple[int, int]] = []
    for match in _TOKEN.finditer(text):
        start, word = match.start(), match.group()
        if (start > 0 and text[start - 1] == "[") or any(a <= start < b for a, b in kept):
            continue  # a placeholder ("[DATE]") or a kept phrase
        base = _POSSESSIVE.sub("", word)
        lower = base.lower()
        if lower in lists.never:
            continue
        next_to_a_name = bool(names) and _BETWEEN_NAMES.fullmatch(text[names[-1][1] : start]) is not None
        if next_to_a_name and (lower in lists.surnames or lower not in lists.english):
            names.append((start, start + len(base)))
        elif lower in lists.kept:
            continue
        elif lower in lists.strong or (
            lower in lists.weak and (base[0].isupper() or _FAMILY.match(text, match.end()) is not None)
        ):
            names.append((start, start + len(base)))
    for start, end in reversed(_merge(text, names)):
        text = text[:start] + NAME + text[end:]
    return text


def _merge(text: str, spans: List[Tuple[int, int]]) -> List[Tuple[int, int]]:
    """Spans separated only by spaces or a hyphen are one name ("sarah jones", "mary-jane")."""
    merged: List[Tuple[int, int]] = []
    for start, end in spans:
        if merged and _BETWEEN_NAMES.fullmatch(text[merged[-1][1] : start] or " "):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
