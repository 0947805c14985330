"""Names introduced by a phrase: "my name is…", "call me…", "I'm Sarah", "my husband John…", "Mrs Jones".

Why a module of its own: both the redaction (:mod:`assistant.privacy.redaction`) and the name lists
(:mod:`assistant.privacy.names`, which leave out the names the project's own example questions introduce this
way) need these rules, and neither may import the other for them.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, FrozenSet, List, Match, Tuple

import yaml

from assistant.content import NOT_NAMES_PATH

NAME = "[NAME]"

_WORD = r"[^\W\d_][\w'’\-]*"
# Phrases after which the next words are certainly a name, whatever their case.
_STRONG_NAME_CUES = (
    r"my\s+name\s+is|my\s+names\s+is|my\s+name'?s|(?:^|(?<=[\n,;.!?(]))\s*(?:full\s+)?names?\s*:|call\s+me|i\s+am\s+called|"
    r"i'?m\s+called|(?:his|her|their|my\s+\w+'?s)\s+name\s+is|(?:he|she)\s+is\s+called|"
    r"(?:he|she)'?s\s+called"
)
# Phrases after which a *capitalised* word is a name ("I'm Sarah", not "I'm worried").
_WEAK_NAME_CUES = (
    r"i\s*(?:'\s*)?m|i\s+am|this\s+is|it\s*(?:'\s*)?s|it\s+is|speaking\s+to|talking\s+to|"
    r"signed|regards|thanks|thank\s+you|cheers|love|best\s+wishes"
)
_RELATIONS = (
    r"husband|wife|partner|son|daughter|mum|mom|mother|mam|dad|father|brother|sister|friend|carer|"
    r"nan|nana|gran|granny|grandma|grandmother|grandad|granddad|grandpa|grandfather|grandson|"
    r"granddaughter|uncle|aunt|auntie|niece|nephew|boyfriend|girlfriend|fianc[eé]e?|child|baby|"
    r"neighbour|neighbor|consultant|doctor|nurse|gp|stepson|stepdaughter|cousin|spouse"
)
_TITLES = r"mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame|nurse|sister"
_STRONG_NAME = re.compile(
    rf"(?P<cue>\b(?:{_STRONG_NAME_CUES})\s*)(?P<name>{_WORD}(?:\s+{_WORD}){{0,2}})", re.IGNORECASE
)
_WEAK_NAME = re.compile(rf"(?P<cue>\b(?:{_WEAK_NAME_CUES})[\s,]+)(?P<name>{_WORD}(?:\s+{_WORD}){{0,2}})", re.IGNORECASE)
_RELATION_NAME = re.compile(
    rf"(?P<cue>\b(?:my|our|his|her|their)\s+(?:(?:late|little|eldest|youngest|older|younger|dear|step)\s+)?"
    rf"(?:{_RELATIONS})(?:'s)?[\s,]+)(?P<name>{_WORD}(?:\s+{_WORD}){{0,2}})",
    re.IGNORECASE,
)
_TITLE_NAME = re.compile(rf"(?P<cue>\b(?:{_TITLES})\.?\s+)(?P<name>{_WORD}(?:\s+{_WORD}){{0,1}})", re.IGNORECASE)

# Words that end a name or can never be one ("my name is John and I...", "I'm not sure").
FUNCTION_WORDS = frozenset(
    """a an the and or but so if then than that this these those there here where when why how what who
    whom which whose is am are was were be been being do does did done has have had having will would
    shall should can could may might must not no yes ok okay okey i me my mine you your he him his she
    her hers we us our they them their it its to of in on at by for from with without about into onto
    over under up down out off again just only also too very really still now already always never
    sometimes often please thanks thank hi hello hey dear sorry just well fine good bad all any some
    one two three four five six seven eight nine ten lot lots bit little much many more most less
    going gonna wanna got get getting feeling feel felt worried scared anxious unsure sure afraid
    currently recently currently being having after before during since until while because as
    asking wondering calling writing trying looking hoping new here's there's it's i'm back later today
    tonight tomorrow soon asap yet properly isn't isnt doesn't doesnt don't dont can't cant won't wont
    wasn't wasnt didn't didnt hasn't hasnt haven't havent aren't arent weren't couldn't wouldn't
    shouldn't""".split()
)


@lru_cache(maxsize=1)
def english_words() -> FrozenSet[str]:
    """Common English words (spaCy's English lemma table, keys and lemmas), to tell "my son John"
    from "my son is": a lowercase word after "my son" is a name only if it is not an English word."""
    try:
        import spacy_lookups_data

        path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lemma_lookup.json.gz"
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            table = json.load(handle)
        return frozenset(w.lower() for pair in table.items() for w in pair) | FUNCTION_WORDS
    except Exception:  # without the table, any lowercase word after a relation counts as a name
        return FUNCTION_WORDS


@dataclass(frozen=True)
class NotNames:
    """``content/not_names.yml``: words and phrases that are never a name here."""

    words: FrozenSet[str]
    phrases: Tuple[str, ...]


def read_not_names(path: Path = NOT_NAMES_PATH) -> NotNames:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:  # a missing list hides more, never less (not logged: this runs in the log redaction)
        data = {}
    return NotNames(
        frozenset(str(w).lower() for w in data.get("words") or []),
        tuple(str(p).lower() for p in data.get("phrases") or []),
    )


@lru_cache(maxsize=1)
def not_names() -> NotNames:
    return read_not_names()


def _name_words(words: List[str], capitalised_only: Any, is_name: Callable[[str], bool]) -> int:
    """How many of ``words`` (the words after a cue) make up the name."""
    count = 0
    for word in words:
        bare = word.strip("'’-").lower()
        if not bare or bare in FUNCTION_WORDS or bare in not_names().words or word.startswith("["):
            break
        is_capitalised = word[0].isupper() and not (len(word) > 1 and word.isupper())
        if capitalised_only and not is_capitalised:
            break
        if capitalised_only is None and not is_capitalised and not is_name(bare):
            break  # "my son is", "my mum's aftercare": a lowercase word is a name only if the lists say so
        count += 1
        if capitalised_only is None:
            capitalised_only = True  # "my son Tom Jones": a surname after a relation is capitalised
    return count


def _name_replacer(capitalised_only: Any, is_name: Callable[[str], bool]) -> Callable[[Match[str]], str]:
    """``capitalised_only``: True (weak cues), False (strong cues), None (relations: a lowercase word only
    if ``is_name`` says it is one)."""

    def replace(match: Match[str]) -> str:
        words = match.group("name").split()
        count = _name_words(words, capitalised_only, is_name)
        if count == 0:
            return match.group()
        rest = match.group("name").split(None, count)
        tail = rest[count] if len(rest) > count else ""
        return f"{match.group('cue')}{NAME}{' ' + tail if tail else ''}"

    return replace


def replace_names_after_cues(text: str, is_name: Callable[[str], bool]) -> str:
    """Names after a phrase that introduces one (the cue-free names are :mod:`assistant.privacy.names`).

    ``is_name`` decides for a lowercase word after a relation ("my son tom", not "my son isnt"): the name
    lists when redacting; the lists themselves are built with "not an English word", which needs no lists.
    """
    text = _STRONG_NAME.sub(_name_replacer(False, is_name), text)
    text = _RELATION_NAME.sub(_name_replacer(None, is_name), text)
    text = _TITLE_NAME.sub(_name_replacer(True, is_name), text)
    return _WEAK_NAME.sub(_name_replacer(True, is_name), text)
