"""How well names typed with no cue are hidden, per community, and that no medical or service word ever is
(``make bench-names``).

Recall is measured per origin (:func:`assistant.privacy.names.origins`: British, Welsh, Irish, Polish,
Pakistani, Bangladeshi, Indian, Arabic, Chinese) on seeded messages: a sample of the origin's first names and
surnames in sentence shapes patients use (with no cue, and after "my son" or "my wife"), in lower case,
capitalised and in capitals. Two figures per origin:

- **served**: the lists as served hide the name;
- **held out**: a fifth of every origin's first names and surnames is taken out of the lists, and full names
  with one held-out part ("jan <held-out surname>", "<held-out first name> kowalski") are seeded: how the
  rules cope with names the lists do not hold (a word that is not English next to a name).

False redactions are measured on every example question, conversation test, end-to-end scenario,
held-out question and red-flag test message: each word hidden as a name is listed, and none may be a
word of the service's medical and CAR-T vocabulary (its answers and safety word lists, and
``MEDICAL_WORDS`` below, words patients type that the answers do not use).

Cost: milliseconds per message of the whole ``redact()`` on the project's and the seeded messages, with the
served lists and, as the baseline in the same run, with the British lists alone (what was served before the
other communities' names were added).
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple

from ruamel.yaml import YAML

from assistant.content import ROOT
from assistant.privacy import names
from assistant.privacy.name_cues import replace_names_after_cues
from assistant.privacy.names import NameLists, Origin, example_questions, origins, service_words, yaml_strings
from assistant.privacy.redaction import redact

SEED = 2026
NAMES_IN_SAMPLE = 200
HELD_OUT_SHARE = 0.2
SHAPES = (
    "{first} {last}, my dad has had a fever since last night",
    "hi its {first} here, can i ask about car-t",
    "{first} has been shivering all evening, what should we do",
    "is it ok for {first} to drive after the infusion",
    "can you tell {first} {last} when the clinic opens",
    "we spoke to {first} {last} on the ward yesterday",
    "thanks for your help, {first}",
    "{last} family here, a question about referral",
    "{first} asked me to check the visiting times",
    "please pass this on to {first}, she is my carer",
    "message from {first} {last} about my dads referral",
    "my son {first} {last} had car t last year",
    "my wife {first} {last} is shivering and confused",
)
FULL_NAME_SHAPES = tuple(shape for shape in SHAPES if "{first} {last}" in shape)
CASES = (str.lower, str.title, str.upper)
# Medical and CAR-T words patients type that the approved answers may not use; none may ever be hidden.
MEDICAL_WORDS = frozenset(
    """gene genes hickman picc line burns burning hay fever rash nail nails lance corona covid sad low mood
    tocilizumab dexamethasone paracetamol ibuprofen steroids platelets neutrophils lymphoma leukaemia myeloma
    cytokine neurotoxicity icans crs apheresis bridging chemo chemotherapy infusion kymriah yescarta tecartus
    breyanzi abecma carvykti clatterbridge liverpool wirral chester manchester christie aintree royal
    marrow bone blood chest head heart lung kidney liver stomach sick shivers shivering temperature flu cy
    fludarabine cyclophosphamide non urgent""".split()
)

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
Seeded = List[Tuple[str, Tuple[str, ...]]]


@dataclass(frozen=True)
class Recall:
    messages: int
    hidden: int

    @property
    def share(self) -> float:
        return self.hidden / self.messages if self.messages else 0.0


@dataclass(frozen=True)
class HeldOut:
    """A fifth of each origin's names, taken out of the lists."""

    first: Dict[str, Tuple[str, ...]]
    last: Dict[str, Tuple[str, ...]]

    @property
    def words(self) -> FrozenSet[str]:
        return frozenset(w for group in (self.first, self.last) for held in group.values() for w in held)


def _sample(words: FrozenSet[str], count: int, rng: random.Random) -> List[str]:
    """``count`` of ``words`` at random (all of them if fewer)."""
    return rng.sample(sorted(words), min(count, len(words)))


def held_out_names(communities: Sequence[Origin], seed: int = SEED) -> HeldOut:
    rng = random.Random(seed)
    first = {o.name: tuple(_sample(o.first, round(len(o.first) * HELD_OUT_SHARE), rng)) for o in communities}
    last = {o.name: tuple(_sample(o.last, round(len(o.last) * HELD_OUT_SHARE), rng)) for o in communities}
    return HeldOut(first, last)


def _messages(pairs: Sequence[Tuple[str, str]], shapes: Sequence[str]) -> Seeded:
    """Each (first name, surname) pair in every shape, in one of the three cases by turn."""
    messages = []
    for index, (given, family) in enumerate(pairs):
        for number, shape in enumerate(shapes):
            case = CASES[(index + number) % len(CASES)]
            words = tuple(w for w, key in ((given, "{first}"), (family, "{last}")) if key in shape)
            messages.append((shape.format(first=case(given), last=case(family)), words))
    return messages


def seeded_messages(origin: Origin, count: int = NAMES_IN_SAMPLE, seed: int = SEED) -> Seeded:
    """(message, the name's words) for a sample of the origin's names in every shape and case."""
    rng = random.Random(f"{seed}-{origin.name}")
    firsts, lasts = _sample(origin.first, count, rng), _sample(origin.last, count, rng)
    lasts = (lasts * (len(firsts) // max(len(lasts), 1) + 1))[: len(firsts)]
    return _messages(list(zip(firsts, lasts, strict=False)), SHAPES)


def held_out_messages(origin: Origin, held: HeldOut, count: int = NAMES_IN_SAMPLE, seed: int = SEED) -> Seeded:
    """Full names of the origin with one part held out: half a held-out surname, half a held-out first name."""
    rng = random.Random(f"{seed}-{origin.name}-held-out")
    served_first = origin.first - held.words
    served_last = origin.last - held.words
    half = count // 2
    held_first, held_last = frozenset(held.first[origin.name]), frozenset(held.last[origin.name])
    pairs = list(zip(_sample(served_first, half, rng), _sample(held_last, half, rng), strict=False))
    pairs += zip(_sample(held_first, half, rng), _sample(served_last, half, rng), strict=False)
    return _messages(pairs, FULL_NAME_SHAPES)


def name_recall(messages: Seeded, lists: Optional[NameLists] = None) -> Recall:
    """Messages of the seeded set in which no word of the name is left."""
    is_name = _is_name(lists)
    hidden = 0
    for text, words in messages:
        redacted = names.replace_names_without_cue(replace_names_after_cues(text, is_name), lists)
        left = {w.lower() for w in _WORD.findall(redacted)}
        hidden += not any(part in left for word in words for part in _WORD.findall(word.lower()))
    return Recall(len(messages), hidden)


def project_messages() -> List[str]:
    """Every example question and every message in the tests (conversation tests, scenarios, trials, red flags)."""
    messages = example_questions()
    for path in sorted((ROOT / "tests").rglob("*.yml")):
        if "fixtures" not in path.parts:
            data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))  # as Rasa and the e2e loader read
            messages += [s for s in yaml_strings(data) if " " in s]
    return messages


def hidden_words(messages: List[str]) -> Counter:
    """Each word the redaction turned into a placeholder, with how often."""
    found: Counter = Counter()
    for text in messages:
        before = Counter(w.lower() for w in _WORD.findall(text))
        after = Counter(w.lower() for w in _WORD.findall(redact(text)))
        found.update(before - after)
    return found


def medical_vocabulary() -> frozenset:
    return service_words() | MEDICAL_WORDS


def _is_name(lists: Optional[NameLists]) -> Callable[[str], bool]:
    """The lists' test for a lowercase word after a relation ("my son tom"), as the served one."""
    if lists is None:
        return names.is_listed_name
    return lambda word: word in lists.strong or word in lists.weak


def milliseconds_per_message(step: Callable[[str], object], messages: List[str], rounds: int = 3) -> float:
    """The best of ``rounds`` runs of ``step`` over ``messages``, per message."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text in messages:
            step(text)
        best = min(best, time.perf_counter() - start)
    return best / len(messages) * 1000


def names_step(lists: NameLists) -> Callable[[str], str]:
    """Both name steps of ``redact()`` (after cues, then with no cue) with ``lists``."""
    is_name = _is_name(lists)
    return lambda text: names.replace_names_without_cue(replace_names_after_cues(text, is_name), lists)


def main() -> int:
    started = time.perf_counter()
    communities = origins()
    served_lists = names.name_lists()
    build_seconds = time.perf_counter() - started
    held = held_out_names(communities)
    held_lists = NameLists.build(exclude=held.words)
    rows = []
    seeded_texts: List[str] = []
    for origin in communities:
        seeded = seeded_messages(origin)
        seeded_texts += [text for text, _ in seeded]
        held_out = held_out_messages(origin, held)
        rows.append((origin, name_recall(seeded, served_lists), name_recall(held_out, held_lists)))
    messages = project_messages()
    hidden = hidden_words(messages)
    medical = sorted(w for w in hidden if w in medical_vocabulary())
    british = NameLists.build([o for o in communities if o.name == "British"])
    timed = messages + seeded_texts
    whole = milliseconds_per_message(redact, timed)
    cost, baseline = (milliseconds_per_message(names_step(lists), timed) for lists in (served_lists, british))

    print(
        f"Names typed with no cue: recall per origin ({NAMES_IN_SAMPLE} first names and surnames each, "
        f"{len(SHAPES)} shapes, lower case, capitalised and capitals; held out: {HELD_OUT_SHARE:.0%} of every "
        f"list taken out, {len(FULL_NAME_SHAPES)} full-name shapes with one part held out)\n"
    )
    print(
        f"| {'origin':<12} | {'first names':>11} | {'surnames':>8} | {'messages':>8} | {'served':>6} | "
        f"{'held-out messages':>17} | {'held out':>8} |"
    )
    print(f"|{'-' * 14}|{'-' * 13}:|{'-' * 9}:|{'-' * 9}:|{'-' * 7}:|{'-' * 18}:|{'-' * 9}:|")
    for origin, served, unseen in rows:
        print(
            f"| {origin.name:<12} | {len(origin.first):>11,} | {len(origin.last):>8,} | {served.messages:>8,} | "
            f"{served.share:>6.3f} | {unseen.messages:>17,} | {unseen.share:>8.3f} |"
        )
    shown: Dict[str, int] = dict(hidden.most_common())
    print(
        f"\nproject messages: {len(messages)}; words hidden: {sum(hidden.values())} ({len(hidden)} different): {shown}"
    )
    print(f"medical, CAR-T or place words hidden: {len(medical)} {medical}")
    print(
        f"cost on {len(timed):,} messages: redact() {whole:.3f} ms/message; its name steps {cost:.3f} ms/message "
        f"with the served lists, {baseline:.3f} with the British lists alone (baseline); "
        f"lists built in {build_seconds:.1f} s"
    )
    lowest = min(rows, key=lambda row: row[1].share)
    print(
        f"names: lowest_recall={lowest[1].share:.3f} ({lowest[0].name}) "
        f"lowest_held_out={min(row[2].share for row in rows):.3f} medical_words_hidden={len(medical)} "
        f"messages={len(messages)} ms_per_message={whole:.3f}"
    )
    return 1 if medical else 0


if __name__ == "__main__":
    raise SystemExit(main())
