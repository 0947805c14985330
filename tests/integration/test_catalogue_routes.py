"""Every way into an answer leads to it: canonical questions, follow-up buttons, greeting buttons.

Buttons send their payload as text, so each payload must be understood with confidence; an answer's
``metadata.question`` (offered when the assistant is unsure) must lead back to that same answer.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import yaml

from tests.integration.conftest import MODEL

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def catalogue() -> Dict[str, dict]:
    responses: Dict[str, dict] = {}
    for path in sorted((ROOT / "data" / "responses").glob("*.yml")):
        responses.update(yaml.safe_load(path.read_text(encoding="utf-8"))["responses"])
    return responses


def button_payloads() -> List[Tuple[str, str]]:
    found = []
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    for name, variations in {**catalogue(), **domain}.items():
        for variation in variations:
            for button in variation.get("buttons") or []:
                if not str(button["payload"]).startswith("/"):
                    found.append((name, str(button["payload"])))
    return found


@pytest.fixture(scope="module")
def agent():
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


def parse(agent, text: str) -> dict:
    return asyncio.run(agent.parse_message(text))


def served_answer(result: dict) -> str:
    intent = result["intent"]["name"]
    if intent in {"cart", "service", "jacie", "referral"}:
        return result["response_selector"][intent]["response"]["intent_response_key"]
    return intent


@pytest.mark.parametrize(
    "answer, question",
    [(name.removeprefix("utter_"), v["metadata"]["question"]) for name, vs in catalogue().items() for v in vs],
)
def test_each_answers_own_question_leads_to_it(agent, answer, question):
    assert served_answer(parse(agent, question)) == answer


@pytest.mark.parametrize("source, payload", button_payloads())
def test_each_button_is_understood(agent, source, payload):
    result = parse(agent, payload)
    assert result["intent"]["name"] not in {"nlu_fallback", "out_of_scope"}, (source, payload, served_answer(result))
