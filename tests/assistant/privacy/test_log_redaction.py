"""Log lines from any logger are redacted, including arguments and tracebacks."""

from __future__ import annotations

import logging

import pytest

from assistant.privacy.log_redaction import install_log_redaction, is_installed


@pytest.fixture
def redacting():
    original = logging.getLogRecordFactory()
    install_log_redaction()
    yield
    logging.setLogRecordFactory(original)


def test_messages_and_arguments_are_redacted(redacting, caplog):
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("rasa.core.processor").debug("Received '%s'", "my name is Eleanora, 07700 900123")
    assert caplog.records[-1].getMessage() == "Received 'my name is [NAME], [PHONE]'"


def test_names_in_rasas_json_lines_are_redacted_though_their_letters_are_escaped(redacting, caplog):
    """Rasa's structured lines are JSON with non-ASCII letters escaped: a Polish name must not pass as code."""
    import json

    line = json.dumps({"parse_data_text": "my son Małgorzata Wiśniewska had car t 🙂"})
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("rasa.core.processor").debug(line)
    message = caplog.records[-1].getMessage()
    assert "[NAME]" in message and "Ma" not in message and "\\u0142" not in message
    assert "\\ud83d\\ude42" in message  # an emoji's escaped halves stay as they were


def test_tracebacks_are_redacted(redacting, caplog):
    try:
        raise ValueError("bad tracker for NHS 943 476 5919")
    except ValueError:
        logging.getLogger("sanic.error").exception("failed")
    text = logging.Formatter().format(caplog.records[-1])
    assert "5919" not in text and "[NHS_NUMBER]" in text


def test_installing_twice_wraps_once(redacting):
    factory = logging.getLogRecordFactory()
    install_log_redaction()
    assert logging.getLogRecordFactory() is factory and is_installed()


def test_a_malformed_format_still_logs(redacting, caplog):
    logging.getLogger("x").warning("%s %s", "only one, call 07700 900123")
    assert "900123" not in caplog.records[-1].getMessage()
