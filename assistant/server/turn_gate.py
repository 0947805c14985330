"""The checks every patient's turn passes, whichever channel it came by, and what the patient gets when one fails.

Why one gate: the REST and socket.io channels each validated, rate-limited, measured, handled and fell back in
their own shape, and drifted. Here, once, in this order:

1. the text must be a non-empty string (else the polite ``bad_request``);
2. the conversation, the connection and the client's address must be under their rate limits
   (``rate_limited``; :mod:`assistant.server.rate_limit`);
3. the text must be within what the NLU reads (``input_too_long``; ``max_characters`` of the LengthGuard in
   ``config.yml``, the one home of that limit), so no longer text ever reaches NLU or the redaction;
4. a rating of an answer ("Was this answer helpful?", a ``/feedback{...}`` message) is checked, recorded without
   the conversation id (:mod:`assistant.store.feedback`) and thanked here: Rasa never sees it, so it stays out
   of the conversation and of the dialogue;
5. the client's ``metadata`` is cut to the keys a client may send (:data:`CLIENT_METADATA`), each value a short
   string: everything else is dropped, so nothing a client sends can make storing a turn slow or big;
6. the turn is handled by Rasa under the conversation id (the keyed hash, never the client's own value);
7. a turn that produced no reply gets urgent help if the message is urgent, else the "can't fetch that"
   message with the ways to reach a person (:func:`assistant.server.storage_failure.reply_without_store`).
"""

from __future__ import annotations

import asyncio
import logging
from asyncio import CancelledError
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import OutputChannel, UserMessage

from assistant.content.dates import today_uk
from assistant.content.system_messages import system_texts
from assistant.server.rate_limit import chat_rate_limiter
from assistant.server.storage_failure import reply_without_store
from assistant.store import feedback
from assistant.store.redacting import unwrap

logger = logging.getLogger(__name__)

# The metadata keys a client may send, and the longest value of each: the end-to-end scenarios' test clock
# (honoured only by an action server started for them, actions/clock.py) and a client's interface language
# (a BCP 47 tag, as community widgets send it). The widget sends none.
CLIENT_METADATA: Dict[str, int] = {"test_clock": 40, "language": 35}
RATE_LIMITED_ANSWER_ID = "rate_limited"
FEEDBACK_RECORDED, FEEDBACK_REFUSED = "feedback_recorded", "feedback_refused"

OK, BAD_REQUEST, TOO_LONG, RATE_LIMITED = 200, 400, 413, 429


def system_text(key: str, **extra: Any) -> str:
    """A message from ``content/system_messages.yml`` with contacts filled in (see ``SystemTexts``)."""
    return system_texts().render(key, **extra)


def message_limit(agent: Any) -> int:
    """The longest message the assistant reads: ``max_characters`` of the LengthGuard in the loaded model's
    pipeline (``config.yml``); the component's own default before a model is loaded.

    Reaches into Rasa's loaded model (``agent.processor.model_metadata.predict_schema``): the one place the
    pipeline's settings are kept at run time. ``tests/assistant/server/test_turn_gate.py`` fails if a Rasa
    upgrade moves it.
    """
    from assistant.nlu.length_guard import LengthGuard

    config = dict(LengthGuard.get_default_config())
    processor = getattr(agent, "processor", None)
    schema = getattr(getattr(processor, "model_metadata", None), "predict_schema", None)
    for node in (getattr(schema, "nodes", None) or {}).values():
        if isinstance(node.uses, type) and issubclass(node.uses, LengthGuard):
            config.update(node.config)
    return int(config["max_characters"])


def client_metadata(value: Any) -> Optional[Dict[str, str]]:
    """The part of a client's ``metadata`` the assistant keeps: allowed keys with short string values."""
    if not isinstance(value, dict):
        return None
    kept = {
        key: item
        for key, longest in CLIENT_METADATA.items()
        if isinstance(item := value.get(key), str) and len(item) <= longest
    }
    return kept or None


@dataclass
class Turn:
    """One patient message as a channel received it."""

    conversation_id: str  # the keyed hash (assistant.privacy.conversation_ids), never the client's own value
    text: Any
    metadata: Any = None
    client_ip: Optional[str] = None
    connection: Optional[str] = None  # the socket.io connection, for its own rate limit


@dataclass
class Outcome:
    """What the gate decided: an HTTP-style status, and the messages it made itself (a refusal, or the reply to
    a turn that got none); Rasa's own replies went to the channel's output."""

    status: int = OK
    messages: List[Dict[str, Any]] = field(default_factory=list)


class TurnGate:
    """The per-turn checks and handling shared by every chat channel (see the module's docstring)."""

    def __init__(self, channel_name: str) -> None:
        self.channel_name = channel_name

    async def handle(
        self,
        turn: Turn,
        agent: Any,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        output: OutputChannel,
        replied: Callable[[], bool],
    ) -> Outcome:
        """Check ``turn``, hand it to Rasa with ``output`` for its replies, and make sure the patient gets one
        (``replied`` tells whether Rasa sent anything)."""
        if not isinstance(turn.text, str) or not turn.text.strip():
            return Outcome(BAD_REQUEST, [{"text": system_text("bad_request")}])
        if not chat_rate_limiter().allow(turn.conversation_id, turn.client_ip, turn.connection):
            return Outcome(
                RATE_LIMITED,
                [{"text": system_text("rate_limited"), "metadata": {"answer_id": RATE_LIMITED_ANSWER_ID}}],
            )
        limit = message_limit(agent)
        if len(turn.text) > limit:
            return Outcome(TOO_LONG, [{"text": system_text("input_too_long", max_characters=limit)}])
        if feedback.is_feedback(turn.text):
            return await rate_answer(turn.text, agent)
        message = UserMessage(
            turn.text,
            output,
            turn.conversation_id,
            input_channel=self.channel_name,
            metadata=client_metadata(turn.metadata),
        )
        try:
            await on_new_message(message)
        except CancelledError:
            logger.error("A message from the %s channel timed out", self.channel_name)
        except Exception:
            logger.exception("A message from the %s channel could not be handled", self.channel_name)
        if replied():
            return Outcome()
        fallback = await reply_without_store(agent, turn.conversation_id, turn.text)
        return Outcome(OK, [{k: v for k, v in reply.items() if k != "recipient_id"} for reply in fallback])


def _has_answer(agent: Any) -> Any:
    """Whether the loaded assistant has an answer with this id (its responses, as the NLG serves them)."""
    responses = getattr(getattr(agent, "nlg", None), "responses", None) or {}
    return lambda answer_id: f"utter_{answer_id}" in responses


async def rate_answer(text: str, agent: Any) -> Outcome:
    """Record a patient's rating of an answer (step 4 of the gate) and thank them; a malformed rating or one
    about no known answer is refused politely, and a store that cannot take it is logged, never shown."""
    rating = feedback.parse_rating(text, _has_answer(agent))
    if rating is None:
        return Outcome(
            BAD_REQUEST, [{"text": system_text("feedback_refused"), "metadata": {"answer_id": FEEDBACK_REFUSED}}]
        )
    store = unwrap(getattr(agent, "tracker_store", None))
    if store is None:
        logger.warning("A rating of %s was not kept: the conversation store is not the project's", rating.answer_id)
    else:
        try:
            await asyncio.to_thread(feedback.record, store.engine, rating, today_uk())
        except Exception:
            logger.exception("A rating of %s could not be stored", rating.answer_id)
    return Outcome(OK, [{"text": system_text("feedback_thanks"), "metadata": {"answer_id": FEEDBACK_RECORDED}}])
