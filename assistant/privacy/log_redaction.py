"""Redact personal data from every log line the assistant's servers write.

Why: Rasa writes patients' messages into its logs (at debug level every message; at error level the
tracker when an action or lock fails), and so do Sanic and rasa-sdk tracebacks. A filter on one logger
misses records of other loggers and handlers that are configured later, so this replaces the process's
log *record factory*: every record, from any logger, is redacted once, when it is created, before any
handler or formatter sees it. Installed by the tracker store (Rasa server) and by
``assistant.server.action_server`` (action server); calling it again does nothing.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from assistant.privacy.redaction import redact

_MARK = "_assistant_redacting"
# Rasa's structured log lines are JSON with non-ASCII letters escaped ("ma\\u0142gorzata"): read as the
# letters they stand for before redaction, or a Polish or Urdu name would pass as code. Bounded: 4 hex digits.
_ESCAPED_LETTER = re.compile(r"\\u([0-9a-fA-F]{4})")


def _unescaped(text: str) -> str:
    """``text`` with each escaped letter as itself (halves of an emoji's surrogate pair stay escaped: alone,
    they could not be written to a UTF-8 log file)."""

    def letter(match: re.Match) -> str:
        code = int(match.group(1), 16)
        return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)

    return _ESCAPED_LETTER.sub(letter, text)


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Replace the record's message, traceback and stack text with their redacted versions."""
    try:
        message = record.getMessage()
    except Exception:  # a malformed %-format: keep what we can read
        message = f"{record.msg} {record.args!r}"
    record.msg = redact(_unescaped(message))
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(_unescaped(record.exc_text))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def install_log_redaction() -> None:
    """Make every log record created in this process from now on redacted."""
    current = logging.getLogRecordFactory()
    if getattr(current, _MARK, False):
        return

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(current(*args, **kwargs))

    setattr(redacting_factory, _MARK, True)
    logging.setLogRecordFactory(redacting_factory)


def is_installed() -> bool:
    return bool(getattr(logging.getLogRecordFactory(), _MARK, False))
