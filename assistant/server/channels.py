"""The chat channels patients' messages arrive on: REST (``POST /webhooks/rest/webhook``) and socket.io.

Why not Rasa's own ``rest`` and ``socketio`` channels as they are: they drop each answer's
``metadata`` (the provenance the widget shows), answer an unreadable request with a server error, pass
any length of text to NLU (memory grows with the square of the length) and, when the action server is
down, send nothing so the patient sees nothing. These channels keep Rasa's URLs, events and request
formats and fix those:

- every bot message keeps its ``metadata`` (answer id, source, checked date, review status);
- a request that is not JSON, or has no text message, gets HTTP 400 with a polite message;
- a message longer than the NLU reads (``max_characters`` of the LengthGuard in ``config.yml``, the one home of
  that limit) is refused politely before NLU, with the urgent-help routes;
- a turn that would produce no reply gets the "reach a person" message instead;
- a client over its rate limit gets a polite "please wait" (HTTP 429 on REST), see
  ``assistant/server/rate_limit.py``;
- the socket.io server accepts only the origins in ``CORS_ORIGINS`` (Rasa's accepts any), and the REST
  channel locks the server down when it starts (``assistant/server/http_guard.py``);
- ``POST /webhooks/rest/erase`` deletes the caller's own conversation (``assistant/privacy/erasure.py``).
"""

from __future__ import annotations

import logging
import re
import uuid
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.privacy.erasure import ErasureUnavailable, erase_conversation, is_valid_secret, session_id_for
from assistant.server.gc_freeze import freeze_loaded_model
from assistant.server.http_guard import allowed_origins, client_ip, harden, request_max_bytes
from assistant.server.nlg import system_messages
from assistant.server.rate_limit import chat_rate_limiter
from assistant.server.storage_failure import reply_without_store, surface_store_errors_on_start

logger = logging.getLogger(__name__)

_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def patient_message(message: Dict[Text, Any]) -> Dict[str, Any]:
    """One bot message as the widget receives it: text, buttons, custom payload and provenance."""
    entry: Dict[str, Any] = {}
    for key in ("text", "buttons", "image", "attachment", "custom", "metadata"):
        if message.get(key):
            entry[key] = message[key]
    return entry


class PatientCollectingOutputChannel(CollectingOutputChannel):
    """Collects bot messages like Rasa's, but keeps each answer's ``metadata`` and its paragraphs."""

    @classmethod
    def name(cls) -> Text:
        return "collector"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        entry = patient_message(message)
        if entry:
            await self._persist_message({"recipient_id": recipient_id, **entry})


def message_limit(agent: Any) -> int:
    """The longest message the assistant reads: ``max_characters`` of the LengthGuard in the loaded model's
    pipeline (``config.yml``); the component's own default before a model is loaded."""
    from assistant.nlu.length_guard import LengthGuard

    config = dict(LengthGuard.get_default_config())
    nodes = (
        getattr(
            getattr(getattr(getattr(agent, "processor", None), "model_metadata", None), "predict_schema", None),
            "nodes",
            {},
        )
        or {}
    )
    for node in nodes.values():
        if isinstance(node.uses, type) and issubclass(node.uses, LengthGuard):
            config.update(node.config)
    return int(config["max_characters"])


def system_text(key: str, **extra: Any) -> str:
    """A message from ``content/system_messages.yml`` with contacts filled in (its last good rendering if the
    contacts file broke after the server started: see :class:`assistant.server.nlg.SystemMessages`)."""
    return system_messages().render(key, **extra)


class PatientRestInput(RestInput):
    """Rasa's REST channel with provenance, input checks and a never-empty reply."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.listener("before_server_start")
        async def lock_down(app: Any, _: Any) -> None:
            harden(app)

        webhook.listener("after_server_start")(freeze_loaded_model)
        webhook.listener("after_server_start")(surface_store_errors_on_start)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            payload = _json_body(request)
            sender = payload.get("sender") if payload else None
            text = payload.get("message") if payload else None
            if not isinstance(sender, str) or not sender.strip() or not isinstance(text, str):
                return response.json([{"text": system_text("bad_request")}], status=400)
            if not chat_rate_limiter().allow(sender, client_ip(request)):
                return response.json([{"recipient_id": sender, "text": system_text("rate_limited")}], status=429)
            limit = message_limit(getattr(request.app.ctx, "agent", None))
            if len(text) > limit:
                return response.json(
                    [{"recipient_id": sender, "text": system_text("input_too_long", max_characters=limit)}],
                    status=413,
                )
            metadata = payload.get("metadata") if payload and isinstance(payload.get("metadata"), dict) else None
            agent = getattr(request.app.ctx, "agent", None)
            collector = PatientCollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata))
            except CancelledError:
                logger.error("A message from the REST channel timed out")
            except Exception:
                logger.exception("A message from the REST channel could not be handled")
            if not collector.messages:
                collector.messages.extend(await reply_without_store(agent, sender, text))
            return response.json(collector.messages)

        @webhook.route("/erase", methods=["POST"])
        async def erase(request: Request) -> HTTPResponse:
            payload = _json_body(request)
            secret = payload.get("session_secret") if payload else None
            if not is_valid_secret(secret):
                return response.json({"erased": False, "text": system_text("bad_request")}, status=400)
            if not chat_rate_limiter().allow(session_id_for(secret), client_ip(request)):
                return response.json({"erased": False, "text": system_text("rate_limited")}, status=429)
            try:
                await erase_conversation(getattr(request.app.ctx, "agent", None), secret)
            except ErasureUnavailable:
                logger.error("Erasure requested but the tracker store cannot erase conversations")
                return response.json({"erased": False, "text": system_text("erase_unavailable")}, status=503)
            return response.json({"erased": True})

        return webhook


def _json_body(request: Request) -> Optional[Dict[str, Any]]:
    try:
        body = request.json
    except Exception:
        return None
    return body if isinstance(body, dict) else None


class PatientSocketIOOutput(SocketIOOutput):
    """Sends each bot message whole (text, ``quick_replies``, ``custom``, ``metadata``) in one event."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        entry = patient_message(message)
        if not entry:
            return
        buttons = entry.pop("buttons", None)
        if buttons:
            entry["quick_replies"] = [
                {"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons
            ]
        await self._send_message(recipient_id, entry)


class PatientSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel with provenance kept and the same input checks as the REST channel."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def get_output_channel(self) -> Optional[OutputChannel]:
        return PatientSocketIOOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        server: Dict[str, Any] = {}

        @webhook.listener("before_server_start")
        async def remember_the_app(app: Any, _: Any) -> None:
            server["app"] = app  # its agent holds the loaded model, whose pipeline sets the message limit

        webhook.listener("after_server_start")(surface_store_errors_on_start)

        # Rasa's channel accepts any origin. The allow-list is enforced in `connect` below rather than by
        # engine.io's own `cors_allowed_origins`: that would add a second Access-Control-Allow-Origin header
        # next to the one Rasa's `--cors` already adds, and browsers refuse a response with two.
        sio.eio.cors_allowed_origins = []
        origins = set(allowed_origins())
        sio.eio.max_http_buffer_size = request_max_bytes()
        handlers = sio.handlers.get(self.namespace or "/", {})
        rasa_connect, rasa_disconnect, rasa_session_request = (
            handlers["connect"],
            handlers["disconnect"],
            handlers["session_request"],
        )
        client_ips: Dict[str, str] = {}

        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if origin is not None and origin not in origins:
                logger.warning("socket.io connection refused from an origin not in CORS_ORIGINS")
                return False
            request = environ.get("sanic.request")
            client_ips[sid] = client_ip(request) if request is not None else "unknown"
            return await rasa_connect(sid, environ, auth)

        async def disconnect(sid: Text) -> None:
            client_ips.pop(sid, None)
            await rasa_disconnect(sid)

        async def session_request(sid: Text, data: Any) -> None:
            """Rasa's, but a session id that is not a short plain string gets a fresh one."""
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not isinstance(session_id, str) or not _SESSION_ID.match(session_id):
                session_id = uuid.uuid4().hex
            await rasa_session_request(sid, {"session_id": session_id})

        async def handle_message(sid: Text, data: Any) -> None:
            output = PatientSocketIOOutput(sio, self.bot_message_evt)
            data = data if isinstance(data, dict) else {}
            sender = data.get("session_id") if self.session_persistence else sid
            text = data.get("message")
            room = sender if self.session_persistence and sender else sid
            if not isinstance(sender, str) or not sender or not isinstance(text, str):
                await output._send_message(sid, {"text": system_text("bad_request")})
                return
            if not chat_rate_limiter().allow(sender, client_ips.get(sid)):
                await output._send_message(
                    room, {"text": system_text("rate_limited"), "metadata": {"answer_id": "rate_limited"}}
                )
                return
            limit = message_limit(getattr(getattr(server.get("app"), "ctx", None), "agent", None))
            if len(text) > limit:
                await output._send_message(room, {"text": system_text("input_too_long", max_characters=limit)})
                return
            metadata = data.get(self.metadata_key)
            agent = getattr(getattr(server.get("app"), "ctx", None), "agent", None)
            collector = _CountingOutput(output)
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        collector,
                        sender,
                        input_channel=self.name(),
                        metadata=metadata if isinstance(metadata, dict) else None,
                    )
                )
            except Exception:
                logger.exception("A message from the socket.io channel could not be handled")
            if not collector.sent:
                for reply in await reply_without_store(agent, sender, text):
                    await output._send_message(room, {k: v for k, v in reply.items() if k != "recipient_id"})

        sio.on("connect", handler=connect, namespace=self.namespace)
        sio.on("disconnect", handler=disconnect, namespace=self.namespace)
        sio.on("session_request", handler=session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        return webhook


class _CountingOutput(PatientSocketIOOutput):
    """Wraps the output so the channel knows whether the turn produced any reply."""

    def __init__(self, inner: PatientSocketIOOutput) -> None:
        super().__init__(inner.sio, inner.bot_message_evt)
        self.sent = 0

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)
