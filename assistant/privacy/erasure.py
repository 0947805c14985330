"""Erase one conversation on the patient's request, authorised by the session's own secret.

Why: a patient who typed something personal must be able to take it back ("Delete my conversation"
in the widget), and nobody else may delete (or probe) their conversation. The widget keeps a random
secret (32 random bytes, base64url) in ``sessionStorage`` and uses ``SHA-256(secret)`` (lowercase hex
of the digest of the secret's UTF-8 text) as its session id. Erasure takes the *secret*: knowing a
session id, which travels with every message, is not enough to delete the conversation.

``POST /webhooks/rest/erase`` with ``{"session_secret": "<secret>"}`` → 200 ``{"erased": true}``
(also when nothing was stored, so the answer reveals nothing), 400 on bad input; the route lives in
``assistant/server/channels.py`` and calls :func:`erase_conversation`.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, TypeGuard

from assistant.privacy.redacting_store import unwrap

# base64url without padding (43 characters for 32 bytes); longer secrets are accepted, short ones not.
_SECRET = re.compile(r"^[A-Za-z0-9_-]{32,256}={0,2}$")


class ErasureUnavailable(RuntimeError):
    """The server cannot erase conversations (model not loaded yet, or another tracker store)."""


def is_valid_secret(secret: Any) -> TypeGuard[str]:
    return isinstance(secret, str) and bool(_SECRET.match(secret))


def session_id_for(secret: str) -> str:
    """The session id (sender id) the widget derives from its secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


async def erase_conversation(agent: Any, secret: str) -> int:
    """Delete the conversation belonging to ``secret``; returns the number of events deleted.

    Waits for the conversation's lock so that a turn being processed is not written back afterwards.
    """
    store = unwrap(getattr(agent, "tracker_store", None))
    if store is None:
        raise ErasureUnavailable("the tracker store cannot erase conversations")
    sender_id = session_id_for(secret)
    lock_store = getattr(agent, "lock_store", None)
    if lock_store is None:
        return store.erase(sender_id)
    async with lock_store.lock(sender_id):
        return store.erase(sender_id)
