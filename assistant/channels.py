"""The REST chat channel patients' messages arrive on (``POST /webhooks/rest/webhook``).

Why not Rasa's own ``rest`` channel as it is: it drops each answer's ``metadata`` (the provenance the
widget shows), answers an unreadable request with a server error, passes any length of text to NLU
(memory grows with the square of the length) and, when the action server is down, returns an empty
list so the patient sees nothing. This channel keeps Rasa's URL and request format and fixes those:

- every bot message keeps its ``metadata`` (answer id, source, checked date, review status);
- a request that is not JSON, or has no text message, gets HTTP 400 with a polite message;
- a message over ``max_characters`` is refused politely before NLU, with the Hotline line;
- a turn that would produce no reply gets the "reach a person" message instead.
"""
from __future__ import annotations

import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

DEFAULT_MAX_CHARACTERS = 1000
FALLBACK_TEXTS = {
    "bad_request": "Sorry, I couldn't read that message. Please try typing it again.",
    "input_too_long": "Sorry, your message is too long for me. Please keep it under {max_characters} characters.",
    "service_degraded": "Sorry, something went wrong. If you feel unwell after CAR-T, call the Clatterbridge Hotline.",
}


class PatientCollectingOutputChannel(CollectingOutputChannel):
    """Collects bot messages like Rasa's, but keeps each answer's ``metadata`` and its paragraphs."""

    @classmethod
    def name(cls) -> Text:
        return "collector"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        entry: Dict[str, Any] = {"recipient_id": recipient_id}
        for key in ("text", "buttons", "image", "attachment", "custom"):
            if message.get(key):
                entry[key] = message[key]
        metadata = message.get("metadata")
        if metadata:
            entry["metadata"] = metadata
        if len(entry) > 1:
            await self._persist_message(entry)


def system_text(request: Request, key: str, **extra: Any) -> str:
    """A message from ``config/system_messages.yml`` rendered by the running NLG, or a plain default."""
    agent = getattr(request.app.ctx, "agent", None)
    nlg = getattr(agent, "nlg", None)
    if nlg is not None and hasattr(nlg, "system_message"):
        try:
            return nlg.system_message(key, **extra)
        except Exception:  # never let a rendering problem hide the message itself
            logger.exception("Could not render system message %s", key)
    return FALLBACK_TEXTS[key].format(**extra)


class PatientRestInput(RestInput):
    """Rasa's REST channel with provenance, input checks and a never-empty reply."""

    def __init__(self, max_characters: int = DEFAULT_MAX_CHARACTERS) -> None:
        self.max_characters = max_characters

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(int(credentials.get("max_characters", DEFAULT_MAX_CHARACTERS)))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            payload = _json_body(request)
            sender = payload.get("sender") if payload else None
            text = payload.get("message") if payload else None
            if not isinstance(sender, str) or not sender.strip() or not isinstance(text, str):
                return response.json([{"text": system_text(request, "bad_request")}], status=400)
            if len(text) > self.max_characters:
                return response.json(
                    [{"recipient_id": sender, "text": system_text(request, "input_too_long", max_characters=self.max_characters)}],
                    status=413,
                )
            metadata = payload.get("metadata") if isinstance(payload.get("metadata"), dict) else None
            collector = PatientCollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
                )
            except CancelledError:
                logger.error("A message from the REST channel timed out")
            except Exception:
                logger.exception("A message from the REST channel could not be handled")
            if not collector.messages:
                collector.messages.append(
                    {"recipient_id": sender, "text": system_text(request, "service_degraded"),
                     "metadata": {"answer_id": "service_degraded"}}
                )
            return response.json(collector.messages)

        return webhook


def _json_body(request: Request) -> Optional[Dict[str, Any]]:
    try:
        body = request.json
    except Exception:
        return None
    return body if isinstance(body, dict) else None
