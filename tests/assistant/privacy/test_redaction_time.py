"""Redaction takes time in proportion to what a client sends, never its square: no input can hold the server.

Adversarial inputs (benchmarks/redaction_time.py) and generated ones, at every size up to the limits. A
turn's text is at most the message limit (the turn gate refuses longer ones before anything is stored) and its
client metadata is cut to short values; a whole turn is redacted within 100 ms of CPU time. Strings as long as the
request-body limit, which no turn can carry, are checked too: quadratic patterns took 10-60 s there.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.privacy.names import name_lists
from assistant.store.redacting import redact_event
from benchmarks.redaction_time import ADVERSARIAL_UNITS, filled

MESSAGE_LIMIT = 1000
BODY_LIMIT = 65536
TURN_BUDGET_S = 0.1


def cpu_seconds(function) -> float:
    started = time.process_time()
    function()
    return time.process_time() - started


def a_stored_turn(text: str) -> dict:
    """A user event as Rasa stores it, with the metadata the gate keeps at its longest."""
    return {
        "event": "user",
        "text": text,
        "timestamp": 1.0,
        "metadata": {"language": "x" * 35, "test_clock": "1" * 40},
        "parse_data": {"text": text, "intent": {"name": "cart", "confidence": 0.9}, "entities": []},
    }


@pytest.fixture(scope="module", autouse=True)
def lists_built_once():
    name_lists()  # built once per process at start-up, not part of any turn


@pytest.mark.parametrize("unit", ADVERSARIAL_UNITS)
def test_a_turn_of_adversarial_text_at_the_message_limit_is_redacted_within_budget(unit):
    assert cpu_seconds(lambda: redact_event(a_stored_turn(filled(unit, MESSAGE_LIMIT)))) < TURN_BUDGET_S


units = st.lists(st.sampled_from(ADVERSARIAL_UNITS) | st.text(min_size=1, max_size=5), min_size=1, max_size=400)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(pieces=units, size=st.integers(min_value=1, max_value=MESSAGE_LIMIT))
def test_generated_turns_of_every_size_up_to_the_limit_are_redacted_within_budget(pieces, size):
    text = filled("".join(pieces), size)
    assert cpu_seconds(lambda: redact_event(a_stored_turn(text))) < TURN_BUDGET_S


@pytest.mark.parametrize("unit", ["a", "it ", "1", "07700 900", "a.", "i "])
def test_strings_at_the_body_limit_take_time_in_proportion_to_their_length(unit):
    """64 KB of the worst inputs: linear patterns take well under a second (quadratic ones took 10-60 s)."""
    assert cpu_seconds(lambda: redact_event(a_stored_turn(filled(unit, BODY_LIMIT)))) < 1.5
