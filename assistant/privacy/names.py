"""Names typed with no cue ("sarah jones, my dad has a fever") become ``[NAME]`` before storage and logging.

Why: patients often start a message with their own or a relative's name, without "my name is" before it,
and the cue rules of :mod:`assistant.privacy.redaction` cannot see those. Here a name is recognised by
itself, from name lists of the communities the centre serves (Merseyside, Cheshire and North Wales):
British, Welsh, Irish, Polish, Pakistani, Bangladeshi, Indian, Arabic and Chinese names (:func:`origins`), as
patients type them in an English chat: in Latin letters, with or without accents ("Wiśniewski",
"wisniewski"). Every list ships inside an installed package, nothing is downloaded:

- Faker's person-name lists (PyPI, MIT): the ONS's baby names and British surnames, the US, Irish (English
  and Irish-language), New Zealand, Indian, Pakistani, Polish, Algerian (Arabic names in Latin letters),
  Bangladeshi and Chinese lists;
- the first-name statistics of gender-guesser's dictionary (PyPI; Jörg Michael's name dictionary, GFDL),
  which gives each name's frequency per country: Great Britain (with Welsh names), Ireland, Poland,
  Arabia/Persia (the Arabic-origin names of Pakistani, Bangladeshi and Arab families: "Muhammad",
  "Fatima"), India and China. Only names that are not also English words are taken from it: a list that
  long holds "ear" and "march";
- lists in another script are romanised the way names are written in Britain: Chinese characters in
  pinyin (pypinyin) and in the Hong Kong Government's Cantonese romanisation ("陳" is "Chan", "黃" is
  "Wong"; cantonese-romanisation), as Liverpool's Chinese community writes them; Bengali with
  bengali-romanizer. Faker's Arabic-script lists are left out: Arabic script writes no short vowels, so no
  romaniser can tell "Muhammad" from "mhmd"; the Latin lists above hold those names.

Which words are names:

- a first name, in any case ("sarah", "SARAH", "Sarah");
- a surname that is not also an English word ("jones", "kowalski", "akhtar");
- a surname that is also an English word ("baker", "burns", "hill"), and a name from the wider lists that
  is one ("ming", "raid"), only when written with a capital, right after another name ("sarah baker", "tom
  ward", "ng siu ming"; not a word the service uses, after a name from the wider lists: "Dr Patel said") or
  before "family" ("baker family here"): "it burns when I pee" keeps its words;
- right after a first name (or a name the cue rules hid), any word that is not English ("sarah fairclough"),
  and right before a name that is not an English word, any word that is not English and any listed name of
  two letters ("jarek kowalski", "ng siu ming"), as names are many; up to four words ("muhammad abdul
  rahman khan"): a longer run is a sentence in another language;
- a word of two letters from the wider lists ("Li", "Ng", "ty", "da") is one only when written with a capital
  or next to another name ("wong ka ho"): chat is full of two-letter words.

Never a name: a word of the service's own texts (answers, system messages, the safety word lists; not a
person they name, "Dr Muhammad Saif"), a word of its example questions that is not a first name ("gene"
is one in the lists, "gene therapy" is not a name), and the words and phrases in ``content/not_names.yml``
(treatments, devices, places). A first name that is also an everyday word ("grace", "bill", "summer") is
hidden even when it was not a name: a placeholder too many in a stored conversation costs little, a name
kept in clear is a breach. The NLU always reads the patient's own words; this changes only what is kept.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, Iterator, List, Optional, Tuple

import yaml

from assistant.content import (
    DOMAIN_PATH,
    NLU_DIR,
    OTHER_LANGUAGES_PATH,
    PERSONAL_ADVICE_PATH,
    RESPONSES_DIR,
    SYSTEM_MESSAGES_PATH,
    URGENT_SYMPTOMS_OTHER_LANGUAGES_PATH,
    URGENT_SYMPTOMS_PATH,
    WIDGET_TEXTS_PATH,
)
from assistant.privacy.name_cues import (
    FUNCTION_WORDS,
    NAME,
    english_words,
    read_not_names,
    replace_names_after_cues,
)

# Faker's lists of the English-speaking countries: a first name there is a name in any case ("grace", "bill").
ENGLISH_SPEAKING_LOCALES = ("en_GB", "en_US", "en_IE", "en_NZ")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader: the content files in 0.1 s

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")  # "mary-jane" is two words, joined again below
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_BETWEEN_NAMES = re.compile(r"[ \t\-]+")
_FAMILY = re.compile(r"\s+family\b", re.IGNORECASE)  # "baker family here"
# Words that not being English makes part of a name: a first name, middle names and surnames
# ("muhammad abdul rahman khan"). A longer run is a sentence in another language after a name.
MAX_NAME_WORDS = 4
# Welsh spelling: letters English does not write ("Dafydd", "Llinos", "Ffion", "Rhys", "Gwenllian", "Hywel", "Huw",
# "Selwyn"); "Bethan" and "Cerys" are Welsh too, but their spelling does not say so.
_WELSH_SPELLING = re.compile(r"^(?:ll|rh|ff|gw)|dd|ff|wy|yw|uw$|wen$|wyn$")
# Letters that do not come apart into a letter and an accent.
_UNACCENTED = str.maketrans({"ł": "l", "Ł": "L", "æ": "a", "ø": "o", "đ": "d", "ß": "ss", "ı": "i"})


@dataclass(frozen=True)
class Origin:
    """One community's first names and family names: lower case, in Latin letters, with and without accents."""

    name: str
    first: FrozenSet[str]
    last: FrozenSet[str]


def unaccented(word: str) -> str:
    """``word`` without its accents, as a patient with an English keyboard types it ("wiśniewski" -> "wisniewski")."""
    decomposed = unicodedata.normalize("NFKD", word.translate(_UNACCENTED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_words(names: Iterable[str]) -> FrozenSet[str]:
    """The words a list of names is typed as: lower case, with and without accents; a hyphenated or
    apostrophised name also joined ("chia-hao": "chia", "hao", "chiahao"; "o'neill": "o'neill", "oneill").
    Only names in Latin letters, and no single letters (the "Ó" of "Ó Briain")."""
    words = set()
    for name in names:
        for word in str(name).lower().split():
            forms = {word}
            if "-" in word:
                forms |= {word.replace("-", ""), *word.split("-")}
            if "'" in word or "’" in word:
                forms.add(word.replace("'", "").replace("’", ""))
            if not word.isascii():
                forms = {form for form in forms | {unaccented(form) for form in forms} if _latin(form)}
            words |= {form for form in forms if len(form) > 1 and _TOKEN.fullmatch(form)}
    return frozenset(words)


def _latin(word: str) -> bool:
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in word if ch.isalpha())


def _provider(locale: str) -> Any:
    return importlib.import_module(f"faker.providers.person.{locale}").Provider


def faker_names(*locales: str) -> Tuple[FrozenSet[str], FrozenSet[str]]:
    """First names and surnames of Faker locales, as typed (see :func:`name_words`): their own lists and,
    where they have one, their romanised lists (Chinese) and every surname list (Polish)."""
    first: List[str] = []
    last: List[str] = []
    for locale in locales:
        provider = _provider(locale)
        for attribute in ("first_names", "first_romanized_names"):
            first += [str(n) for n in getattr(provider, attribute, None) or ()]
        for attribute in ("last_names", "unisex_last_names", "male_last_names", "last_romanized_names"):
            last += [str(n) for n in getattr(provider, attribute, None) or ()]
    return name_words(first), name_words(last) - {"doe"}  # "Doe": pl_PL's placeholder, not a Polish surname


def faker_script_names(locale: str) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """A Faker locale's first names and surnames as written in their own script (to be romanised)."""
    provider = _provider(locale)
    return tuple(str(n) for n in provider.first_names), tuple(str(n) for n in provider.last_names)


def polish_feminine(surnames: Iterable[str]) -> FrozenSet[str]:
    """The feminine form of Polish adjectival surnames: "kowalski" is "kowalska" for a woman."""
    return frozenset(s[:-1] + "a" for s in surnames if s.endswith(("ski", "cki", "dzki")))


# gender-guesser's countries (its ``Detector.COUNTRIES``) whose first names are read.
GIVEN_NAME_COUNTRIES = ("great_britain", "ireland", "poland", "arabia", "china", "india")


@lru_cache(maxsize=1)
def _given_name_statistics() -> Dict[str, FrozenSet[str]]:
    """gender-guesser's dictionary: the first names of each country in ``GIVEN_NAME_COUNTRIES``, and under
    ``"elsewhere"`` the names of any country but Great Britain (to tell a name of Great Britain alone)."""
    import gender_guesser.detector as detector

    countries = detector.Detector.COUNTRIES
    columns = {country: 30 + countries.index(country) for country in GIVEN_NAME_COUNTRIES}
    other_columns = slice(31, 30 + len(countries))  # great_britain is the first
    by_country: Dict[str, List[str]] = {country: [] for country in (*GIVEN_NAME_COUNTRIES, "elsewhere")}
    with (Path(detector.__file__).parent / "data" / "nam_dict.txt").open(encoding="utf-8") as lines:
        for line in lines:
            # "#" comments, "=" equivalent spellings; a "+" in column 30 repeats a name with its umlauts spelt out.
            if line[:1] in "#=\n" or line[29:30] == "+":
                continue
            name = line.split()[1].lower()
            if line[other_columns].strip():
                by_country["elsewhere"].append(name)
            for country, column in columns.items():
                if line[column] != " ":
                    by_country[country].append(name)
    return {country: frozenset(names) for country, names in by_country.items()}


def given_names(country: str, english: FrozenSet[str]) -> FrozenSet[str]:
    """A country's first names in gender-guesser's dictionary that are not English words. A "+" joins the
    parts of an Arabic, Chinese or Korean name ("Jun+Wei": "jun", "wei", "junwei")."""
    names = (name.replace("+", "-") for name in _given_name_statistics()[country])
    return frozenset(w for w in name_words(names) if w not in english)


def chinese_romanisations(names: Iterable[str]) -> FrozenSet[str]:
    """Chinese names in pinyin (every reading: "曾" is "zeng" as a surname) and in Hong Kong Government
    Cantonese romanisation ("陳" "chan", "黃" "wong"): each syllable, and a given name's syllables joined
    ("家豪": "jia", "hao", "jiahao", "ka", "ho", "kaho")."""
    from cantoroman import Cantonese
    from pypinyin import Style, pinyin

    cantonese = Cantonese()
    words: List[str] = []
    for name in names:
        # A list is a name already cut into words: pypinyin need not train its segmenter.
        for readings in (pinyin([name], style=Style.NORMAL, heteronym=True), cantonese.getRoman(name)):
            if readings and all(readings):
                syllables = [[s for s in r if s.isascii() and s.isalpha()] for r in readings]
                words += [s for r in syllables for s in r]
                words += ["".join(p) for p in product(*syllables)] if len(syllables) > 1 else []
    return name_words(words)


def bengali_romanisations(names: Iterable[str]) -> FrozenSet[str]:
    """Bengali names in Latin letters (bengali-romanizer's readings, accents dropped: "রহমান" "rohoman");
    names it has no reading for are left out."""
    from bengali_romanizer import romanize

    return name_words(romanize(unicodedata.normalize("NFC", name)) for name in names)


def welsh_given_names(english_speaking: FrozenSet[str], english: FrozenSet[str]) -> FrozenSet[str]:
    """Welsh first names: names of Great Britain's statistics that no other country and no English-speaking list
    has (Welsh and Scottish names), spelt the Welsh way."""
    british_only = given_names("great_britain", english) - _given_name_statistics()["elsewhere"] - english_speaking
    return frozenset(name for name in british_only if _WELSH_SPELLING.search(name))


@lru_cache(maxsize=1)
def origins() -> Tuple[Origin, ...]:
    """Each community's names, from the packages' lists (see the module's docstring)."""

    english = english_words()

    def given(country: str) -> FrozenSet[str]:
        return given_names(country, english)

    british_first, british_last = faker_names("en_GB", "en_US", "en_NZ")
    irish_first, irish_last = faker_names("en_IE", "ga_IE")
    polish_first, polish_last = faker_names("pl_PL")
    pakistani_first, pakistani_last = faker_names("en_PK")
    indian_first, indian_last = faker_names("en_IN")
    algerian_first, algerian_last = faker_names("fr_DZ")
    chinese_first, chinese_last = faker_names("zh_CN", "zh_TW")
    bengali_first, bengali_last = faker_script_names("bn_BD")
    hanzi_first = faker_script_names("zh_CN")[0] + faker_script_names("zh_TW")[0]
    hanzi_last = faker_script_names("zh_CN")[1] + faker_script_names("zh_TW")[1]
    british_given = given("great_britain")
    communities = (
        Origin("British", british_first | british_given, british_last),
        # Welsh family names are the British patronymics (Jones, Davies, Evans); the first names differ.
        Origin("Welsh", welsh_given_names(faker_names(*ENGLISH_SPEAKING_LOCALES)[0], english), faker_names("en_GB")[1]),
        Origin("Irish", irish_first | given("ireland"), irish_last),
        Origin("Polish", polish_first | given("poland"), polish_last | polish_feminine(polish_last)),
        Origin("Pakistani", pakistani_first, pakistani_last),
        Origin("Bangladeshi", bengali_romanisations(bengali_first), bengali_romanisations(bengali_last)),
        Origin("Indian", indian_first | given("india"), indian_last),
        Origin("Arabic", algerian_first | given("arabia"), algerian_last),
        Origin(
            "Chinese",
            chinese_first | chinese_romanisations(hanzi_first) | given("china"),
            chinese_last | chinese_romanisations(hanzi_last),
        ),
    )
    # "To", "Do", "An" are Chinese names in romanisation, but never a name here.
    return tuple(Origin(o.name, o.first - FUNCTION_WORDS, o.last - FUNCTION_WORDS) for o in communities)


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
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError:
        return None


def service_words() -> FrozenSet[str]:
    """The words the service itself writes: answers, system messages, the widget's texts, translations, the
    safety word lists (in English and in other languages).

    Only texts and button titles are read (not the reviewer fields, which may one day hold people's names).
    """
    texts = {"text", "title"}
    found: List[str] = []
    for path in [DOMAIN_PATH, *sorted(RESPONSES_DIR.glob("*.yml")), SYSTEM_MESSAGES_PATH, WIDGET_TEXTS_PATH,
                 OTHER_LANGUAGES_PATH]:  # fmt: skip
        found += yaml_strings(_yaml(path), frozenset(texts))
    for path in (URGENT_SYMPTOMS_PATH, URGENT_SYMPTOMS_OTHER_LANGUAGES_PATH, PERSONAL_ADVICE_PATH):
        found += yaml_strings(_yaml(path))
    # A person the answers name ("Dr Muhammad Saif") lends no word: "muhammad" is a patient's name too.

    return _words(replace_names_after_cues(text, lambda word: False) for text in found)


def example_questions() -> List[str]:
    """Every example question in ``data/nlu`` (entity markup removed)."""
    examples: List[str] = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        for item in (_yaml(path) or {}).get("nlu") or []:
            for line in str((item or {}).get("examples") or "").splitlines():
                line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", re.sub(r"^\s*-\s*", "", line))
                if line.strip():
                    examples.append(line)
    return examples


@dataclass(frozen=True)
class NameLists:
    """Which words are names: ``strong`` in any case, ``weak`` only capitalised or next to a name;
    ``kept`` words and phrases never."""

    strong: FrozenSet[str]
    weak: FrozenSet[str]
    kept: FrozenSet[str]
    kept_phrases: Tuple[str, ...]
    # Right after a first name, a surname even if it is kept elsewhere: "tom ward", "mark hickman", "amy preston"
    # (of the English-speaking lists, if it is an English word).
    surnames: FrozenSet[str]
    never: FrozenSet[str]  # function words: not even after a first name ("sarah and")
    english: FrozenSet[str]  # after a first name, a word that is not English is a surname ("sarah fairclough")

    @classmethod
    def build(
        cls, communities: Optional[Iterable[Origin]] = None, exclude: FrozenSet[str] = frozenset()
    ) -> "NameLists":
        """The lists from ``communities`` (every origin by default), less the words in ``exclude`` (the
        benchmark's held-out names)."""

        english = english_words()
        communities = origins() if communities is None else tuple(communities)
        core_first, core_last = (names - exclude for names in faker_names(*ENGLISH_SPEAKING_LOCALES))
        other_first = frozenset().union(*(origin.first for origin in communities)) - core_first - exclude
        last = frozenset().union(*(origin.last for origin in communities)) - exclude
        # Two letters are too few to tell a name from chat ("ty", "da", "mi") unless an English-speaking list
        # has them as a first name ("jo", "al"): "Li", "Ng", "Wu" are names when capitalised or next to a name.
        ambiguous = english | frozenset(word for word in other_first | last if len(word) <= 2)
        strong = core_first | ((other_first | last) - ambiguous)
        weak = ((other_first | last) & ambiguous) - strong
        not_names = read_not_names()
        # A word of the example questions is an ordinary word here, unless it is a first name of the
        # English-speaking lists ("gene") or one from the wider lists that is not an English word: names in
        # the examples follow a cue ("I'm Sarah") and are taken out first.
        examples = _words(
            replace_names_after_cues(text, lambda word: word not in english) for text in example_questions()
        )
        kept = service_words() | (examples - core_first - other_first) | not_names.words | FUNCTION_WORDS
        kept |= examples & other_first & english
        kept |= {unaccented(word) for word in kept}  # as the words of a message are looked up ("źle": "zle")
        # After a first name, the English-speaking lists' surnames even if the service uses the word ("tom
        # ward"); the wider lists' only if it does not ("ng siu ming", but "Dr Patel said": "Said" is a name).
        surnames = (core_last | (last - ambiguous)) - FUNCTION_WORDS
        return cls(strong - kept, weak - kept, kept, not_names.phrases, surnames, FUNCTION_WORDS, english | kept)


@lru_cache(maxsize=1)
def name_lists() -> NameLists:
    """The served lists, built once per process (a few seconds: docs/security.md has the figure)."""
    return NameLists.build()


def is_listed_name(word: str) -> bool:
    """Whether a lower-case word is a name in the lists (and not a word kept as it is)."""
    lists = name_lists()
    word = _typed_form(word)
    return word in lists.strong or word in lists.weak


def _typed_form(word: str) -> str:
    """The form of a word the lists hold: lower case, and without accents ("Siobhán": "siobhan")."""
    lower = word.lower()
    return lower if lower.isascii() else unaccented(lower)


def _kept_spans(lowered: str, phrases: Tuple[str, ...]) -> List[Tuple[int, int]]:
    spans = []
    for phrase in phrases:
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", lowered):
            spans.append(match.span())
    return spans


def replace_names_without_cue(text: str, lists: "NameLists | None" = None) -> str:
    """``text`` with every name it recognises by itself replaced by ``[NAME]`` (adjacent names merged).

    A ``[NAME]`` left by the cue rules counts as a name: "my son [NAME] kowalski" is one name.
    """
    lists = lists or name_lists()
    kept = _kept_spans(text.lower(), lists.kept_phrases)
    names: List[Tuple[int, int]] = []
    run = 0  # words in the name being read
    tokens = list(_TOKEN.finditer(text))
    for index, match in enumerate(tokens):
        start, word = match.start(), match.group()
        if start > 0 and text[start - 1] == "[":
            if word == NAME[1:-1] and text[match.end() : match.end() + 1] == "]":
                names.append((start - 1, match.end() + 1))
            continue  # a placeholder ("[DATE]")
        if any(a <= start < b for a, b in kept):
            continue  # a kept phrase
        base = _POSSESSIVE.sub("", word)
        lower = _typed_form(base)
        if lower in lists.never:
            continue
        next_to_a_name = bool(names) and _BETWEEN_NAMES.fullmatch(text[names[-1][1] : start]) is not None
        run = run + 1 if next_to_a_name else 1
        if (
            next_to_a_name
            and run <= MAX_NAME_WORDS
            and (lower in lists.surnames or lower in lists.weak or lower not in lists.english)
        ):
            names.append((start, start + len(base)))
        elif lower in lists.kept:
            continue
        elif (
            lower in lists.strong
            or (lower in lists.weak and (base[0].isupper() or _FAMILY.match(text, match.end()) is not None))
            or (
                (lower not in lists.english or (len(lower) <= 2 and lower in lists.weak))
                and _before_a_name(text, match, tokens[index + 1 : index + 2], lists)
            )
        ):
            names.append((start, start + len(base)))
    for start, end in reversed(_merge(text, names)):
        text = text[:start] + NAME + text[end:]
    return text


def _before_a_name(text: str, match: "re.Match[str]", following: List["re.Match[str]"], lists: NameLists) -> bool:
    """Whether the word right after ``match`` is a name by itself: in any case ("jarek kowalski", "li wei"), or
    capitalised ("Jarek Baker")."""
    if not following or _BETWEEN_NAMES.fullmatch(text[match.end() : following[0].start()]) is None:
        return False
    word = _POSSESSIVE.sub("", following[0].group())
    return _typed_form(word) in lists.strong or (_typed_form(word) in lists.weak and word[0].isupper())


def _merge(text: str, spans: List[Tuple[int, int]]) -> List[Tuple[int, int]]:
    """Spans separated only by spaces or a hyphen are one name ("sarah jones", "mary-jane")."""
    merged: List[Tuple[int, int]] = []
    for start, end in spans:
        if merged and _BETWEEN_NAMES.fullmatch(text[merged[-1][1] : start] or " "):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
