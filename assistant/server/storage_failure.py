"""When the conversation store fails, the patient is still helped, and the conversation is not restarted.

Why: Rasa wraps every tracker store in a ``FailSafeTrackerStore``. When the database cannot be read it
answers "no such conversation", so the assistant silently starts a fresh one and answers as if to a
stranger; when it cannot be written it keeps the turn in memory, where it is lost. Here the store's errors
reach the chat channels instead (:func:`surface_store_errors`), and a turn that cannot be stored gets a
reply the channels make without the store (:func:`reply_without_store`): urgent help when the message
reports an urgent symptom (the NLU pipeline needs no stored conversation), otherwise the short "can't
fetch that" message with the ways to reach a person. Nothing is written for that turn; once the store is
back, the conversation carries on from its last stored turn.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.content.system_messages import DEGRADED_ANSWER_ID, URGENT_HELP_RESPONSE, system_texts
from assistant.nlu.urgent_symptoms import URGENT_INTENT

logger = logging.getLogger(__name__)


def surface_store_errors(agent: Any) -> None:
    """Take Rasa's fail-safe wrapper off the loaded agent's tracker store (harmless to repeat)."""
    for owner in (agent, getattr(agent, "processor", None)):
        store = getattr(owner, "tracker_store", None)
        if owner is not None and isinstance(store, FailSafeTrackerStore):
            owner.tracker_store = store._tracker_store


async def reply_without_store(agent: Any, sender: str, text: str) -> List[Dict[str, Any]]:
    """The reply to a turn the assistant could not handle: urgent help if the message is urgent."""
    if await _is_urgent(agent, text):
        try:
            tracker = DialogueStateTracker(sender, agent.domain.slots)
            message = await agent.nlg.generate(URGENT_HELP_RESPONSE, tracker, "rest")
            if message and message.get("text"):
                return [{"recipient_id": sender, **message}]
        except Exception:  # the urgent-help text must not depend on anything but the content files
            logger.exception("The urgent-help response could not be rendered; sending the system message")
    return [
        {
            "recipient_id": sender,
            "text": system_texts().render("service_degraded"),
            "metadata": {"answer_id": DEGRADED_ANSWER_ID},
        }
    ]


async def _is_urgent(agent: Optional[Any], text: str) -> bool:
    """Whether the NLU pipeline (which reads no stored conversation) finds an urgent symptom."""
    if agent is None:
        return False
    try:
        parsed = await agent.parse_message(text)
    except Exception:
        logger.exception("The message could not be understood while the conversation store was failing")
        return False
    return ((parsed or {}).get("intent") or {}).get("name") == URGENT_INTENT
