"""Play scenarios against the running assistant through its REST webhook and check what the patient sees.

Why the REST webhook: it is the channel a patient's messages take (the widget's socket.io channel
shares its code in ``assistant/server/channels.py``) and it returns each bot message whole: text, buttons,
the ``custom`` contact card and the answer's ``metadata`` (its answer id). A button click sends the
button's payload, as the widget does. Each scenario is its own conversation (a fresh sender id). The
pytest plugin (``testkit/e2e_plugin.py``) makes each scenario a test item and plays it with :class:`Player`.
"""

from __future__ import annotations

import fnmatch
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

import requests

from actions.clock import TEST_CLOCK_METADATA_KEY
from assistant.content.system_messages import CLARIFY_ANSWER_ID, DEGRADED_ANSWER_ID
from testkit.scenario import Expectations, Scenario, Step

URGENT_ANSWER_ID = "urgent_help"
PASSED, FAILED, SKIPPED, KNOWN_ISSUE, NOT_RUN = "passed", "failed", "skipped", "known issue", "not run"
LINK_PREFIXES = ("tel:", "mailto:", "http:", "https:")
_PLACEHOLDER = re.compile(r"\{[a-z][a-z0-9_]*\}")


@dataclass(frozen=True)
class Check:
    """One expectation on one reply: what was expected, whether it held, and what was seen if not."""

    expectation: str
    passed: bool
    detail: str = ""


@dataclass
class Turn:
    """One step as played: what the patient sent and what came back."""

    step: Step
    sent: Optional[str] = None
    status: Optional[int] = None
    messages: List[Dict[str, Any]] = field(default_factory=list)
    checks: List[Check] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.error and all(c.passed for c in self.checks)


@dataclass
class ScenarioResult:
    scenario: Scenario
    status: str
    turns: List[Turn] = field(default_factory=list)
    seconds: float = 0.0
    sender: str = ""
    note: str = ""

    @property
    def failure(self) -> str:
        """The first thing that went wrong, in one line (for the console, JUnit and the summary)."""
        for number, turn in enumerate(self.turns, start=1):
            if turn.error:
                return f"step {number} ({turn.step.describe()}): {turn.error}"
            for check in turn.checks:
                if not check.passed:
                    return f"step {number} ({turn.step.describe()}): expected {check.expectation}; {check.detail}"
        return ""


def visible_text(messages: Sequence[Dict[str, Any]]) -> str:
    """The text the patient reads in this reply (bold markers removed, as the widget shows them)."""
    return "\n\n".join(str(m.get("text") or "") for m in messages).replace("**", "")


def answer_ids(messages: Sequence[Dict[str, Any]]) -> List[str]:
    return [
        str((m.get("metadata") or {}).get("answer_id")) for m in messages if (m.get("metadata") or {}).get("answer_id")
    ]


def button_titles(messages: Sequence[Dict[str, Any]]) -> List[str]:
    return [str(b.get("title")) for m in messages for b in (m.get("buttons") or [])]


def contact_cards(messages: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [
        m["custom"] for m in messages if isinstance(m.get("custom"), dict) and m["custom"].get("type") == "contact_card"
    ]


def _quote(values: Sequence[str]) -> str:
    return ", ".join(f"“{v}”" for v in values) if values else "none"


def check_reply(expect: Expectations, status: int, messages: Sequence[Dict[str, Any]]) -> List[Check]:
    """Every expectation of a step, plus the checks that always apply ("nothing unexpected")."""
    checks: List[Check] = []
    text = visible_text(messages)
    lowered = " ".join(text.lower().split())
    ids = answer_ids(messages)
    served = f"answer ids served: {_quote(ids)}"

    checks.append(Check(f"HTTP status {expect.status}", status == expect.status, f"got {status}"))
    if status == 200:
        checks.append(
            Check(
                "a reply (not an empty one)",
                bool(messages) and any(m.get("text") or m.get("buttons") or m.get("custom") for m in messages),
                "the assistant sent nothing",
            )
        )
    leftovers = sorted(set(_PLACEHOLDER.findall(text)))
    checks.append(Check("no unfilled placeholders", not leftovers, f"found {', '.join(leftovers)}"))
    if expect.answer != DEGRADED_ANSWER_ID:
        checks.append(
            Check(
                "no “can't fetch that information” message",
                DEGRADED_ANSWER_ID not in ids,
                "the assistant could not answer properly (is a server down?)",
            )
        )

    for phrase in expect.says:
        checks.append(Check(f"says “{phrase}”", " ".join(phrase.lower().split()) in lowered, "not in the reply"))
    for phrase in expect.does_not_say:
        checks.append(Check(f"does not say “{phrase}”", " ".join(phrase.lower().split()) not in lowered, "it does"))
    if expect.matches is not None:
        found = re.search(expect.matches, text, re.IGNORECASE) is not None
        checks.append(Check(f"text matching /{expect.matches}/", found, "no part of the reply matches"))
    if expect.answer is not None:
        checks.append(Check(f"answer {expect.answer}", any(fnmatch.fnmatchcase(i, expect.answer) for i in ids), served))
    if expect.buttons:
        offered = button_titles(messages)
        offered_lower = [t.casefold() for t in offered]
        for title in expect.buttons:
            checks.append(
                Check(f"a button “{title}”", title.casefold() in offered_lower, f"buttons offered: {_quote(offered)}")
            )
    cards = contact_cards(messages)
    shown = [c.get("key") for card in cards for c in card.get("contacts") or []]
    if expect.contact_card is not None:
        if expect.contact_card:
            checks.append(
                Check(
                    f"a contact card with {_quote(expect.contact_card)}",
                    bool(cards) and tuple(shown) == expect.contact_card,
                    f"contacts shown: {_quote(shown)}" if cards else "no contact card",
                )
            )
        else:
            checks.append(Check("a contact card", bool(cards), "no contact card"))
    if expect.no_contact_card:
        checks.append(Check("no contact card", not cards, f"a card with {_quote(shown)}"))
    if expect.urgent_help_first is True:
        first = answer_ids(messages[:1])
        checks.append(Check("the urgent-help message first", first == [URGENT_ANSWER_ID], served))
    elif expect.urgent_help_first is False:
        checks.append(Check("no urgent-help message", URGENT_ANSWER_ID not in ids, served))
    if expect.unsure is not None:
        unsure = CLARIFY_ANSWER_ID in ids
        checks.append(
            Check(
                "the assistant to say it is unsure" if expect.unsure else "the assistant not to say it is unsure",
                unsure == expect.unsure,
                served,
            )
        )
    return checks


def click_payload(title: str, previous: Sequence[Dict[str, Any]]) -> str:
    """The payload of the button titled ``title`` in the previous reply; ValueError in plain words if none."""
    buttons = [b for m in previous for b in (m.get("buttons") or [])]
    for button in buttons:
        if str(button.get("title", "")).strip().casefold() == title.casefold():
            payload = str(button.get("payload", ""))
            if payload.startswith(LINK_PREFIXES):
                raise ValueError(
                    f"the button “{title}” opens {payload} on the patient's device; it sends no message to click"
                )
            return payload
    raise ValueError(
        f"there is no button “{title}” to click; "
        f"the previous reply offered {_quote([str(b.get('title')) for b in buttons])}"
    )


class Player:
    """Plays scenarios against one assistant's REST webhook."""

    def __init__(self, webhook: str, timeout: float = 60.0) -> None:
        self.webhook = webhook
        self.timeout = timeout
        self.session = requests.Session()

    def play(self, scenario: Scenario) -> ScenarioResult:
        started = time.monotonic()
        result = ScenarioResult(scenario, PASSED, sender=f"e2e-{uuid.uuid4().hex[:16]}")
        metadata: Dict[str, Any] = {}
        if scenario.settings.clock is not None:
            metadata[TEST_CLOCK_METADATA_KEY] = scenario.settings.clock.isoformat(timespec="minutes")
        previous: List[Dict[str, Any]] = []
        for step in scenario.steps:
            if result.status == FAILED:
                result.turns.append(Turn(step, error=NOT_RUN))
                continue
            turn = self._play_step(step, result.sender, metadata, previous)
            result.turns.append(turn)
            previous = turn.messages
            if not turn.passed:
                result.status = FAILED
        result.seconds = time.monotonic() - started
        if scenario.known_issue:
            if result.status == FAILED:
                result.status, result.note = KNOWN_ISSUE, f"known issue: {scenario.known_issue}"
            else:
                result.note = f"passes now: remove 'known_issue' ({scenario.known_issue})"
        return result

    def _play_step(self, step: Step, sender: str, metadata: Dict[str, Any], previous: List[Dict[str, Any]]) -> Turn:
        turn = Turn(step)
        started = time.monotonic()
        try:
            turn.sent = step.message if step.click is None else click_payload(step.click, previous)
        except ValueError as error:
            turn.error = str(error)
            return turn
        body: Dict[str, Any] = {"sender": sender, "message": turn.sent}
        if metadata:
            body["metadata"] = metadata
        try:
            response = self.session.post(self.webhook, json=body, timeout=self.timeout)
            turn.status = response.status_code
            reply = response.json()
            turn.messages = reply if isinstance(reply, list) else []
        except requests.Timeout:
            turn.error = f"no usable reply from the assistant: no answer within {self.timeout:.0f} s"
            return turn
        except requests.ConnectionError:
            turn.error = f"no usable reply from the assistant: could not connect to {self.webhook}"
            return turn
        except (requests.RequestException, ValueError) as error:
            turn.error = f"no usable reply from the assistant: {type(error).__name__}"
            return turn
        finally:
            turn.seconds = time.monotonic() - started
        turn.checks = check_reply(step.expect, turn.status, turn.messages)
        return turn


def skipped(scenario: Scenario, why: str) -> ScenarioResult:
    return ScenarioResult(scenario, SKIPPED, note=why)


def transcript(result: ScenarioResult) -> str:
    """The conversation as plain text with each expectation marked, for the console and CI logs."""
    lines: List[str] = []
    for number, turn in enumerate(result.turns, start=1):
        lines.append(f"{number}. patient {turn.step.describe()}")
        if turn.error:
            lines.append(f"   !! {turn.error}")
        if turn.messages:
            lines.append("   assistant: " + visible_text(turn.messages).replace("\n", "\n   "))
            titles = button_titles(turn.messages)
            if titles:
                lines.append("   buttons: " + " | ".join(titles))
        for check in turn.checks:
            mark = "ok  " if check.passed else "FAIL"
            lines.append(f"   [{mark}] {check.expectation}" + ("" if check.passed else f": {check.detail}"))
    return "\n".join(lines)
