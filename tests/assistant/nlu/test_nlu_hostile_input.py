"""The custom NLU components survive anything a patient (or an attacker) can type: random unicode,
control characters, emoji, right-to-left text, very long input, SQL/HTML/script payloads."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.length_guard import LengthGuard
from assistant.nlu.other_language import OTHER_LANGUAGE_INTENT, OtherLanguageDetector
from assistant.nlu.urgent_symptoms import URGENT_INTENT, UrgentSymptomDetector
from assistant.privacy.redaction import redact
from tests.assistant.nlu.test_other_language import configured
from tests.assistant.nlu.test_question_matcher import trained  # noqa: F401  (the small trained matcher)

PAYLOADS = [
    "'; DROP TABLE events; --",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "\u202eI have a fever\u202c",
    "مرحبا لدي حمى",
    "שלום",
    "\x00\x07\x1b[31m",
    "🔥🤒🥶" * 40,
    "temp 38.5\u200b°C",
    "{{hotline_phone}} {0} %s",
    "../../etc/passwd",
    "a" * 5000,
    "fever " * 400,
    "\ud7ff\ue000\U0010ffff",
    "\r\n\t\x0b\x0c",
]
hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=50),
    st.text(alphabet=st.characters(whitelist_categories=("So", "Sk", "Cf", "Mn", "Zs")), max_size=100),
    st.sampled_from(PAYLOADS),
    st.builds(lambda a, b: a + b, st.sampled_from(PAYLOADS), st.text(max_size=100)),
)
COUNTS = {}
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))


def counted(name: str) -> None:
    COUNTS[name] = COUNTS.get(name, 0) + 1


@pytest.fixture(scope="module")
def urgent_component():
    """As config.yml sets it up: the English word list and the other languages' lists."""
    yield UrgentSymptomDetector.from_config(
        {**UrgentSymptomDetector.get_default_config(), **configured("UrgentSymptomDetector")}
    )
    print(f"\nfuzz (NLU components): {COUNTS}")


@pytest.fixture(scope="module")
def language_component():
    return OtherLanguageDetector.from_config(
        {**OtherLanguageDetector.get_default_config(), **configured("OtherLanguageDetector")}
    )


def message(text: str) -> Message:
    return Message(
        data={
            "text": text,
            "intent": {"name": "cart", "confidence": 0.9},
            "intent_ranking": [{"name": "cart", "confidence": 0.9}],
        }
    )


@FUZZ
@given(text=hostile_text)
def test_urgent_symptom_detector_never_fails(urgent_component, text):
    msg = message(text)
    urgent_component.process([msg])
    assert msg.get("intent")["name"] in {"cart", URGENT_INTENT}
    counted("UrgentSymptomDetector")


@FUZZ
@given(text=hostile_text)
def test_other_language_detector_never_fails(language_component, text):
    msg = message(text)
    language_component.process([msg])
    assert msg.get("intent")["name"] in {"cart", OTHER_LANGUAGE_INTENT}
    counted("OtherLanguageDetector")


@FUZZ
@given(text=hostile_text, limit=st.integers(min_value=1, max_value=1000))
def test_length_guard_never_lets_long_text_through(text, limit):
    msg = message(text)
    LengthGuard(limit).process([msg])
    assert len(msg.get("text")) <= limit
    counted("LengthGuard")


@FUZZ
@given(text=hostile_text)
def test_question_matcher_never_fails(trained, text):
    msg = message(text)
    trained[0].process([msg])
    assert msg.get("intent")["name"] and 0.0 <= msg.get("intent")["confidence"] <= 1.0
    counted("QuestionMatcher")


@FUZZ
@given(text=hostile_text)
def test_redaction_never_fails_on_hostile_text(text):
    assert isinstance(redact(text), str)
    counted("redact")
