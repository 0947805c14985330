"""The chat channels patients' messages arrive on: REST (``POST /webhooks/rest/webhook``) and socket.io.

Why not Rasa's own ``rest`` and ``socketio`` channels as they are: they drop each answer's ``metadata`` (the
provenance the widget shows), answer an unreadable request with a server error, pass any length of text to
NLU, send nothing when the action server is down, and use the id a client sends as the conversation's stored
id (so whoever learns it can read and write that conversation; over socket.io any connection could join any
conversation's room). These channels keep Rasa's URLs, events and request formats and:

- treat what the client holds (a REST ``sender``, a socket.io ``session_id``) as its secret: the conversation
  is stored, locked, rate-limited and broadcast only under a keyed hash of it
  (:mod:`assistant.privacy.conversation_ids`); a socket.io connection may use only the session it asked for;
- pass every turn through one gate (:mod:`assistant.server.turn_gate`): input checks, rate limits per
  conversation, connection and address, the length limit, client metadata cut to what clients may send, and a
  reply even when Rasa produced none;
- keep every bot message's ``metadata`` (answer id, sources, checked date, review status);
- install the server-wide start-up hooks whichever channels are enabled (:mod:`assistant.server.startup`);
- accept socket.io connections only from the origins in ``cors_origins`` (Rasa's accepts any);
- ``POST /webhooks/rest/erase`` deletes the caller's own conversation (:mod:`assistant.store.erasure`).
"""

from __future__ import annotations

import inspect
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.privacy.conversation_ids import conversation_id, is_client_value, new_client_value
from assistant.server.http_guard import allowed_origins, client_ip, request_max_bytes
from assistant.server.rate_limit import chat_rate_limiter
from assistant.server.startup import install_server_hooks
from assistant.server.turn_gate import BAD_REQUEST, RATE_LIMITED, Turn, TurnGate, system_text
from assistant.store.erasure import ErasureUnavailable, erase_conversation

logger = logging.getLogger(__name__)

# Said to a client developer (not a patient) whose REST sender cannot name a conversation.
SENDER_RULE = "sender must be a random string of 16 to 128 letters, digits, '-' or '_', kept by the client"


def patient_message(message: Dict[Text, Any]) -> Dict[str, Any]:
    """One bot message as the widget receives it: text, buttons, custom payload and provenance."""
    entry: Dict[str, Any] = {}
    for key in ("text", "buttons", "image", "attachment", "custom", "metadata"):
        if message.get(key):
            entry[key] = message[key]
    return entry


def _agent(app: Any) -> Any:
    return getattr(getattr(app, "ctx", None), "agent", None)


class PatientCollectingOutputChannel(CollectingOutputChannel):
    """Collects bot messages like Rasa's, but keeps each answer's ``metadata`` and its paragraphs."""

    @classmethod
    def name(cls) -> Text:
        return "collector"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        entry = patient_message(message)
        if entry:
            await self._persist_message({"recipient_id": recipient_id, **entry})


class PatientRestInput(RestInput):
    """Rasa's REST channel behind the turn gate, with provenance, conversation ids and erasure."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        install_server_hooks(webhook)
        gate = TurnGate(self.name())

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            payload = _json_body(request) or {}
            sender = payload.get("sender")
            if not is_client_value(sender):
                return response.json([{"text": system_text("bad_request"), "error": SENDER_RULE}], status=BAD_REQUEST)
            turn = Turn(conversation_id(sender), payload.get("message"), payload.get("metadata"), client_ip(request))
            collector = PatientCollectingOutputChannel()
            outcome = await gate.handle(
                turn, _agent(request.app), on_new_message, collector, lambda: bool(collector.messages)
            )
            # The client gets its own value back as the recipient, never the stored id.
            replies = [{**m, "recipient_id": sender} for m in [*collector.messages, *outcome.messages]]
            return response.json(replies, status=outcome.status)

        @webhook.route("/erase", methods=["POST"])
        async def erase(request: Request) -> HTTPResponse:
            payload = _json_body(request) or {}
            secret = payload.get("session_secret")
            if not is_client_value(secret):
                return response.json({"erased": False, "text": system_text("bad_request")}, status=BAD_REQUEST)
            if not chat_rate_limiter().allow(conversation_id(secret), client_ip(request)):
                return response.json({"erased": False, "text": system_text("rate_limited")}, status=RATE_LIMITED)
            try:
                await erase_conversation(_agent(request.app), secret)
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
    """Sends each bot message whole (text, ``quick_replies``, ``custom``, ``metadata``) in one event, to the
    conversation's room (the connections that hold its secret)."""

    def __init__(self, sio: Any, bot_message_evt: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

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

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)


class PatientSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel behind the turn gate: each connection is bound to the one conversation it asked
    for with its secret, and only that conversation's replies reach it."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def get_output_channel(self) -> Optional[OutputChannel]:
        return PatientSocketIOOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        install_server_hooks(webhook)
        sio = self.sio
        gate = TurnGate(self.name())
        server: Dict[str, Any] = {}
        bound: Dict[str, str] = {}  # connection (sid) -> the conversation id it asked for
        client_ips: Dict[str, str] = {}

        @webhook.listener("before_server_start")
        async def remember_the_app(app: Any, _: Any) -> None:
            server["app"] = app  # its agent holds the loaded model, whose pipeline sets the message limit

        # Rasa's channel accepts any origin. The allow-list is enforced in `connect` below rather than by
        # engine.io's own `cors_allowed_origins`: that would add a second Access-Control-Allow-Origin header
        # next to the one Rasa's `--cors` already adds, and browsers refuse a response with two.
        sio.eio.cors_allowed_origins = []
        origins = set(allowed_origins())
        sio.eio.max_http_buffer_size = request_max_bytes()
        rasa_connect = sio.handlers.get(self.namespace or "/", {})["connect"]

        async def send_to(sid: str, messages: List[Dict[str, Any]]) -> None:
            for message in messages:
                await sio.emit(self.bot_message_evt, message, room=sid)

        async def bind(sid: str, client_value: str) -> str:
            """Put the connection in the room of the conversation ``client_value`` names (and only that one)."""
            conversation = conversation_id(client_value)
            previous = bound.get(sid)
            if previous and previous != conversation:
                await _maybe_await(sio.leave_room(sid, previous, namespace=self.namespace))
            bound[sid] = conversation
            await _maybe_await(sio.enter_room(sid, conversation, namespace=self.namespace))
            return conversation

        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if origin is not None and origin not in origins:
                logger.warning("socket.io connection refused from an origin not in cors_origins")
                return False
            request = environ.get("sanic.request")
            client_ips[sid] = client_ip(request) if request is not None else "unknown"
            return await rasa_connect(sid, environ, auth)

        async def disconnect(sid: Text) -> None:
            client_ips.pop(sid, None)
            bound.pop(sid, None)

        async def session_request(sid: Text, data: Any) -> None:
            """Rasa's, but the room is the keyed hash of the client's value; a missing or guessable value gets
            a fresh one, which only this connection is told."""
            value = data.get("session_id") if isinstance(data, dict) else None
            if not self.session_persistence or not is_client_value(value):
                value = new_client_value()
            await bind(sid, value)
            await sio.emit("session_confirm", value, room=sid)

        async def handle_message(sid: Text, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            claimed = data.get("session_id")
            conversation = bound.get(sid)
            if conversation is None and not self.session_persistence:
                conversation = await bind(sid, new_client_value())  # one conversation per connection
            elif conversation is None and is_client_value(claimed):
                conversation = await bind(sid, claimed)  # a client that skipped session_request
            elif (
                conversation is not None
                and claimed is not None
                and (not is_client_value(claimed) or conversation_id(claimed) != conversation)
            ):
                logger.warning("socket.io message refused: it names a conversation this connection did not ask for")
                conversation = None
            if conversation is None:
                await send_to(sid, [{"text": system_text("bad_request")}])
                return
            output = PatientSocketIOOutput(sio, self.bot_message_evt)
            turn = Turn(conversation, data.get("message"), data.get(self.metadata_key), client_ips.get(sid), sid)
            outcome = await gate.handle(
                turn, _agent(server.get("app")), on_new_message, output, lambda: output.sent > 0
            )
            await send_to(sid if outcome.status != 200 else conversation, outcome.messages)

        sio.on("connect", handler=connect, namespace=self.namespace)
        sio.on("disconnect", handler=disconnect, namespace=self.namespace)
        sio.on("session_request", handler=session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        return webhook


async def _maybe_await(result: Any) -> None:
    """python-socketio's room calls are plain before 5.10 (pinned, RasaHQ/rasa#13027) and coroutines after."""
    if inspect.isawaitable(result):
        await result
