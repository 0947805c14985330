"""A temporary copy of the project whose answer catalogue is grown by synthetic answers.

Why: to see how training time and turn latency grow with content, the real catalogue (×1) is grown
×4 and ×10 with made-up answers under the ``cart`` retrieval intent, each with distinct example
questions, in a throw-away copy (the real data is never touched). The copies train with the served
``config.yml``, exactly as the real catalogue does.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path
from typing import List

WORDS = (
    "fatigue appetite transport parking visitor pharmacy tablets blood scan clinic ward nurse doctor family "
    "carer insurance holiday driving sleep exercise diet water fever rash cough infection injection drip "
    "letter form consent trial research donor cells lab bag fridge freezer heater shower garden pet school "
    "work money benefits wig hair skin mouth teeth eyes memory mood worry support group phone email post"
).split()
TOPIC = "cart"


def count_answers(responses_dir: Path) -> int:
    """How many retrieval answers (``utter_<topic>/<name>:``) the catalogue has."""
    pattern = re.compile(r"^  utter_\w+/\w+:", re.MULTILINE)
    return sum(len(pattern.findall(path.read_text(encoding="utf-8"))) for path in responses_dir.glob("*.yml"))


def synthetic_answers(count: int, examples: int = 8, seed: int = 9) -> tuple[str, str]:
    """(NLU YAML, responses YAML) for ``count`` made-up answers of the ``cart`` topic, reproducibly."""
    rng = random.Random(seed)
    nlu: List[str] = ['version: "3.1"', "nlu:"]
    responses: List[str] = ['version: "3.1"', "responses:"]
    for number in range(count):
        name = f"{TOPIC}/bench_{number:04d}"
        keywords = rng.sample(WORDS, 3)
        nlu += [f"- intent: {name}", "  examples: |"]
        nlu += [
            f"    - {' '.join(rng.sample(keywords, 3))} question {number} {rng.choice(WORDS)}" for _ in range(examples)
        ]
        responses += [f"  utter_{name}:", f'  - text: "Synthetic answer {number} about {" ".join(keywords)}."']
    return "\n".join(nlu) + "\n", "\n".join(responses) + "\n"


def grown_project(root: Path, dest: Path, factor: int) -> Path:
    """Copy what ``rasa train`` reads into ``dest`` with the catalogue grown ``factor`` times."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(root / "data", dest / "data", dirs_exist_ok=True)
    shutil.copy(root / "domain.yml", dest / "domain.yml")
    shutil.copy(root / "config.yml", dest / "config.yml")
    extra = count_answers(root / "data" / "responses") * (factor - 1)
    if extra > 0:
        nlu, responses = synthetic_answers(extra)
        (dest / "data" / "nlu" / "bench_synthetic.yml").write_text(nlu, encoding="utf-8")
        (dest / "data" / "responses" / "bench_synthetic.yml").write_text(responses, encoding="utf-8")
    return dest
