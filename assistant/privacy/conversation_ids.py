"""What a chat client holds is its secret; the server keeps only a keyed hash of it as the conversation's id.

Why: a conversation id travels with messages, lands in logs and is stored with every event. If the id a
client uses were the stored id, whoever learnt it (from a log, a database dump, another tab's traffic) could
write into that conversation, receive its replies and erase it. So the value a client holds (the widget's
random secret, a community client's session id, a REST ``sender``) is treated as a password: the channels
turn it into ``HMAC-SHA256(key, value)`` at once and use only that, for storing, locking, rate limits and the
socket.io room. The client's value is never stored, logged or sent to anyone else; knowing a stored id
gives nothing. Erasure takes the client's own value too (:mod:`assistant.store.erasure`).

The key is ``conversation_key`` in ``assistant/settings.py`` (``CONVERSATION_KEY``); without one, a random key
made once in ``var/conversation.key`` (owner-only). Every replica of a deployment must have the same key;
changing it starts every conversation afresh.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from functools import lru_cache
from typing import Any, Optional

from typing_extensions import TypeGuard

from assistant.settings import settings

KEY_FILE = "conversation.key"
# A client's value must be hard to guess: 16 to 128 letters, digits, "-" or "_" (a UUID's 32 hex digits, the
# widget's 43-character secret). Shorter ones ("t", "patient1") are refused: anyone could guess them.
_CLIENT_VALUE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


def is_client_value(value: Any) -> TypeGuard[str]:
    """Whether ``value`` can name a conversation: a string of 16-128 letters, digits, ``-`` or ``_``."""
    return isinstance(value, str) and bool(_CLIENT_VALUE.match(value))


def new_client_value() -> str:
    """A fresh value for a client that asked for a conversation without one (43 characters, 256 bits)."""
    return secrets.token_urlsafe(32)


@lru_cache(maxsize=1)
def conversation_key() -> bytes:
    """The key of this deployment's conversation ids (see the module's docstring)."""
    configured = settings().conversation_key
    if configured:
        return configured.encode("utf-8")
    path = settings().var_dir / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def conversation_id(client_value: str, key: Optional[bytes] = None) -> str:
    """The stored id of the conversation a client names with ``client_value`` (64 hex digits)."""
    return hmac.new(key or conversation_key(), client_value.encode("utf-8"), hashlib.sha256).hexdigest()
