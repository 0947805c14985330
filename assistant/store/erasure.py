"""Erase one conversation on the patient's request, authorised by the value only their client holds.

Why: a patient who typed something personal must be able to take it back ("Delete my conversation" in the
widget), and nobody else may delete (or probe) their conversation. The conversation is stored under a keyed
hash of the value the client names it by (:mod:`assistant.privacy.conversation_ids`): a REST client's
``sender``, or the widget's socket.io session id, which is ``SHA-256(secret)`` of the random secret it keeps in
``sessionStorage`` (so the session id that travels with every message is not what erases). Erasure takes the
secret, and deletes both conversations it names: the one whose name is the secret itself (REST) and the one
whose name is its SHA-256 (the widget). The stored id, which never leaves the server, is useless for it.

``POST /webhooks/rest/erase`` with ``{"session_secret": "<the client's value>"}`` → 200 ``{"erased": true}``
(also when nothing was stored, so the answer reveals nothing), 400 on bad input; the route lives in
``assistant/server/channels.py`` and calls :func:`erase_conversation`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from assistant.privacy.conversation_ids import conversation_id
from assistant.store.redacting import unwrap


class ErasureUnavailable(RuntimeError):
    """The server cannot erase conversations (model not loaded yet, or another tracker store)."""


async def erase_conversation(agent: Any, client_value: str) -> int:
    """Delete the conversation belonging to ``client_value``; returns the number of events deleted.

    Waits for the conversation's lock so that a turn being processed is not written back afterwards.
    """
    store = unwrap(getattr(agent, "tracker_store", None))
    if store is None:
        raise ErasureUnavailable("the tracker store cannot erase conversations")
    lock_store = getattr(agent, "lock_store", None)
    deleted = 0
    for named_by in (client_value, widget_session_id(client_value)):
        sender_id = conversation_id(named_by)
        if lock_store is None:
            deleted += store.erase(sender_id)
            continue
        async with lock_store.lock(sender_id):
            deleted += store.erase(sender_id)
    return deleted


def widget_session_id(secret: str) -> str:
    """The session id the widget names its conversation by: the SHA-256 of its secret, in hex
    (``sessionIdFor`` in web/widget/cart-chat.js)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
