"""A small catalogue for the question matcher's tests: two topics of answers and three conversational intents,
written as Rasa NLU files in a folder, the way staff keep ``data/nlu/``."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.training_data import TrainingData

EXAMPLES: Dict[str, List[str]] = {
    "cart/what_is": [
        "what is car t",
        "what is car-t cell therapy",
        "can you explain cart to me",
        "what kind of treatment is car t",
        "tell me about car t cell therapy",
        "what are car-t cells",
        "car t in plain english please",
        "my dad was offered car t, what is it",
    ],
    "cart/driving": [
        "when can i drive after car t",
        "can i drive my car after cart",
        "how long before driving again",
        "is driving allowed after the cells",
        "when can my husband get behind the wheel",
        "no driving for how long",
        "can i drive home from hospital",
        "driving rules after car-t therapy",
    ],
    "cart/cost": [
        "how much does car t cost",
        "do i have to pay for cart",
        "is car t free on the nhs",
        "will there be a bill",
        "who pays for the treatment",
        "is there a charge for car-t",
        "cost of car t cell therapy",
        "can i afford car t",
    ],
    "jacie/what_is": [
        "what is jacie",
        "tell me about jacie",
        "what does jacie accreditation mean",
        "jacie what is that",
        "explain jacie to me",
        "what is jacie accreditation",
        "i saw jacie mentioned, what is it",
        "what sort of thing is jacie",
    ],
    "greet": ["hello", "hi", "hi there", "good morning", "hey", "hello there", "good afternoon", "hiya"],
    "goodbye": [
        "bye",
        "goodbye",
        "see you",
        "bye for now",
        "thanks bye",
        "cheerio",
        "that's all, goodbye",
        "talk later",
    ],
    "out_of_scope": [
        "can you book me a taxi",
        "what's the weather tomorrow",
        "help me with my car insurance",
        "who won the football",
        "order me a pizza",
        "what is the capital of france",
        "tell me a joke",
        "how do i reset my password",
    ],
}


def nlu_yaml(examples: Dict[str, List[str]]) -> str:
    lines = ['version: "3.1"', "nlu:"]
    for label, texts in examples.items():
        lines += [f"- intent: {label}", "  examples: |"] + [f"    - {text}" for text in texts]
    return "\n".join(lines) + "\n"


def responses_yaml(answers: List[str]) -> str:
    lines = ['version: "3.1"', "responses:"]
    for answer in answers:
        lines += [f"  utter_{answer}:", f'  - text: "The answer {answer}."']
    return "\n".join(lines) + "\n"


def write_catalogue(folder: Path, examples: Dict[str, List[str]] = EXAMPLES) -> Path:
    """``folder/nlu/*.yml`` (one file per topic, as in data/nlu) and ``folder/responses/answers.yml``."""
    nlu = folder / "nlu"
    nlu.mkdir(parents=True, exist_ok=True)
    topics: Dict[str, Dict[str, List[str]]] = {}
    for label, texts in examples.items():
        topics.setdefault(label.split("/")[0] if "/" in label else "conversation", {})[label] = texts
    for topic, labelled in topics.items():
        (nlu / f"{topic}.yml").write_text(nlu_yaml(labelled), encoding="utf-8")
    responses = folder / "responses"
    responses.mkdir(exist_ok=True)
    (responses / "answers.yml").write_text(responses_yaml([k for k in examples if "/" in k]), encoding="utf-8")
    return nlu


def training_data(nlu_folder: Path) -> TrainingData:
    return TrainingData().merge(*(RasaYAMLReader().read(path) for path in sorted(nlu_folder.glob("*.yml"))))
