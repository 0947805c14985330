"""The servers' start-up waits for a line Rasa's log really holds, after the log redaction has run over it."""

from __future__ import annotations

from assistant.privacy.redaction import redact
from assistant.server.processes import RASA_READY


def test_the_ready_line_is_still_found_once_the_log_redaction_has_hidden_rasa_as_a_first_name():
    assert RASA_READY in redact("Rasa server is up and running.")
