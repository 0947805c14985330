"""How well names typed with no cue are hidden, and that no medical or service word ever is (``make bench-names``).

Recall is measured on seeded messages: British first names and surnames (Faker's en_GB lists: the
ONS's baby-name figures and surnames with their population shares) in sentence shapes patients use,
in lower case, capitalised and in capitals. Two figures: with the served name lists, and with lists that
leave the British ones out (``held out``), which says how the lists cope with names they do not hold.

False redactions are measured on every example question, conversation test, end-to-end scenario,
held-out question and red-flag test message: each word hidden as a name is listed, and none may be a
word of the service's medical and CAR-T vocabulary (its answers and safety word lists, and
``MEDICAL_WORDS`` below, words patients type that the answers do not use).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from ruamel.yaml import YAML

from assistant.content import ROOT
from assistant.privacy.names import (
    NAME_LOCALES,
    NameLists,
    example_questions,
    faker_names,
    service_words,
    yaml_strings,
)
from assistant.privacy.redaction import redact, replace_names_after_cues

SEED = 2026
NAMES_IN_SAMPLE = 200
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
)
CASES = (str.lower, str.title, str.upper)
# Medical and CAR-T words patients type that the approved answers may not use; none may ever be hidden.
MEDICAL_WORDS = frozenset(
    """gene genes hickman picc line burns burning hay fever rash nail nails lance corona covid sad low mood
    tocilizumab dexamethasone paracetamol ibuprofen steroids platelets neutrophils lymphoma leukaemia myeloma
    cytokine neurotoxicity icans crs apheresis bridging chemo chemotherapy infusion kymriah yescarta tecartus
    breyanzi abecma carvykti clatterbridge liverpool wirral chester manchester christie aintree royal
    marrow bone blood chest head heart lung kidney liver stomach sick shivers shivering temperature""".split()
)

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@dataclass(frozen=True)
class Recall:
    messages: int
    hidden: int

    @property
    def share(self) -> float:
        return self.hidden / self.messages if self.messages else 0.0


def seeded_messages(seed: int = SEED) -> List[Tuple[str, Tuple[str, ...]]]:
    """(message, the name's words) for a sample of British names in every shape and case."""
    first, last = faker_names("en_GB")
    rng = random.Random(seed)
    firsts = rng.sample(sorted(first), min(NAMES_IN_SAMPLE, len(first)))
    lasts = rng.sample(sorted(last), NAMES_IN_SAMPLE)
    messages = []
    for index, (given, family) in enumerate(zip(firsts, lasts, strict=False)):
        for number, shape in enumerate(SHAPES):
            case = CASES[(index + number) % len(CASES)]
            words = tuple(w for w, key in ((given, "{first}"), (family, "{last}")) if key in shape)
            messages.append((shape.format(first=case(given), last=case(family)), words))
    return messages


def name_recall(lists: Optional[NameLists] = None, seed: int = SEED) -> Recall:
    """Messages of the seeded set in which no word of the name is left."""
    from assistant.privacy import names

    hidden = 0
    messages = seeded_messages(seed)
    for text, words in messages:
        redacted = names.replace_names_without_cue(replace_names_after_cues(text), lists)
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


def main() -> int:
    served = name_recall()
    held_out = name_recall(NameLists.build([loc for loc in NAME_LOCALES if loc != "en_GB"]))
    messages = project_messages()
    hidden = hidden_words(messages)
    medical = sorted(w for w in hidden if w in medical_vocabulary())
    print(f"seeded set: {served.messages} messages ({NAMES_IN_SAMPLE} British first names and surnames, "
          f"{len(SHAPES)} shapes, lower case, capitalised and capitals)")
    print(f"recall, served lists: {served.share:.3f} ({served.hidden}/{served.messages})")
    print(f"recall, British names held out of the lists: {held_out.share:.3f} ({held_out.hidden}/{held_out.messages})")
    shown: Dict[str, int] = dict(hidden.most_common())
    print(f"project messages: {len(messages)}; words hidden: {sum(hidden.values())} ({len(hidden)} different): {shown}")
    print(f"medical or service words hidden: {len(medical)} {medical}")
    print(
        f"names: recall={served.share:.3f} recall_held_out={held_out.share:.3f} "
        f"medical_words_hidden={len(medical)} messages={len(messages)}"
    )
    return 1 if medical else 0


if __name__ == "__main__":
    raise SystemExit(main())
