"""Scenario results built by hand, for the report tests (no assistant needed)."""

from __future__ import annotations

from pathlib import Path
from typing import List

from testkit.runner import FAILED, KNOWN_ISSUE, NOT_RUN, PASSED, Check, ScenarioResult, Turn
from testkit.scenario import Expectations, Scenario, Step
from testkit.summary import Summary

PATH = Path("tests/e2e/cart.yml")


def sample_results() -> List[ScenarioResult]:
    ask = Step(4, Expectations(answer="cart/what_is"), say="what is car-t <b>now</b>")
    passed = ScenarioResult(
        Scenario("Asks what CAR-T is", PATH, 2, [ask], tags=("cart",)),
        PASSED,
        [
            Turn(
                ask,
                "what is car-t",
                200,
                [{"text": "It is **immunotherapy**.", "metadata": {"answer_id": "cart/what_is"}}],
                [Check("answer cart/what_is", True)],
            )
        ],
        seconds=0.4,
    )
    click = Step(12, Expectations(contact_card=("hotline",)), click="Talk to a person")
    failed = ScenarioResult(
        Scenario("Hands over out of hours", PATH, 9, [ask, click]),
        FAILED,
        [
            Turn(
                ask,
                "what is car-t",
                200,
                [
                    {
                        "text": "I'm not sure <script>x</script>",
                        "metadata": {"answer_id": "clarify"},
                        "buttons": [{"title": "Talk to a person", "payload": "/handoff"}],
                    }
                ],
                [Check("answer cart/what_is", False, "answer ids served: “clarify”")],
            ),
            Turn(click, error=NOT_RUN),
        ],
        seconds=0.7,
    )
    known = ScenarioResult(
        Scenario("A reported defect", Path("tests/e2e/service.yml"), 3, [ask], known_issue="relay placeholder"),
        KNOWN_ISSUE,
        [
            Turn(
                ask,
                "x",
                200,
                [{"text": "{relay_prefix}"}],
                [Check("no unfilled placeholders", False, "found {relay_prefix}")],
            )
        ],
        note="known issue: relay placeholder",
    )
    return [passed, failed, known]


def sample_summary() -> Summary:
    return Summary.of(sample_results(), 12.3)
