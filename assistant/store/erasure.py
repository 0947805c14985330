"""Erase one conversation on the patient's request, authorised by the value only their client holds.

Why: a patient who typed something personal must be able to take it back ("Delete my conversation" in the
widget), and nobody else may delete (or probe) their conversation. The conversation is stored under a keyed
hash of the value the client holds (:mod:`assistant.privacy.conversation_ids`): the widget's random secret
(kept in ``sessionStorage``), or a REST client's ``sender``. Erasure takes that value; the stored id, which
never leaves the server, is useless for it.

``POST /webhooks/rest/erase`` with ``{"session_secret": "<the client's value>"}`` → 200 ``{"erased": true}``
(also when nothing was stored, so the answer reveals nothing), 400 on bad input; the route lives in
``assistant/server/channels.py`` and calls :func:`erase_conversation`.
"""

from __future__ import annotations

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
    sender_id = conversation_id(client_value)
    lock_store = getattr(agent, "lock_store", None)
    if lock_store is None:
        return store.erase(sender_id)
    async with lock_store.lock(sender_id):
        return store.erase(sender_id)
