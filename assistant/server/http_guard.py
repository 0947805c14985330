"""Lock down the Rasa server's HTTP surface: body size, the ``/model`` routes, the version banner, the proxy.

Why: the Rasa server is reachable from patients' browsers. Sanic accepts 100 MB request bodies by default;
Rasa's HTTP API (never enabled here) includes ``PUT /model``, which loads a model from a path or URL given in
the request, a known remote code execution route in Rasa 3.6 (CVE-2024-49375) that version pins fix only in
part; its root route tells anyone the exact Rasa version, which helps an attacker pick an exploit. Behind a
reverse proxy every patient would share the proxy's address, so one abuser could use up everyone's per-address
limit unless the server is told how many proxies to trust. :func:`harden` runs when the server starts, whichever
chat channels are enabled (``assistant/server/startup.py``).

Its settings (``assistant/settings.py``): ``request_max_bytes``, the largest request body accepted;
``cors_origins``, the web pages allowed to call the chat endpoints (``rasa run --cors`` for REST, the socket.io
channel's own check); ``proxies_count``, the reverse proxies in front of the server.

Behind ``proxies_count`` proxies (nginx in ``deploy/``: 1), each appending the address it saw to
``X-Forwarded-For``, the client's address is that header's entry this many places from the end, so the
per-address rate limit (``assistant/server/rate_limit.py``) counts each patient, not the proxy they all come
through; entries a client writes itself sit further left and are ignored. Left at 0 behind a proxy, every
patient shares the proxy's address and one abuser locks everyone out; set higher than the real count, a client
can choose its own address.
"""

from __future__ import annotations

import logging
from typing import List, Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.settings import settings

logger = logging.getLogger(__name__)

BLOCKED_PREFIXES = ("/model",)


def allowed_origins() -> List[str]:
    """The origins (scheme://host:port) allowed to call the chat endpoints from a browser."""
    return list(settings().cors_origins)


def request_max_bytes() -> int:
    return settings().request_max_bytes


def client_ip(request: Request) -> str:
    """The client's address: from ``X-Forwarded-For`` behind trusted proxies (Sanic's ``remote_addr`` with the
    proxy count that :func:`harden` sets), else the connection's own address."""
    return request.remote_addr or request.ip or "unknown"


def is_blocked(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in BLOCKED_PREFIXES)


async def refuse_blocked_routes(request: Request) -> Optional[HTTPResponse]:
    """Request middleware: the ``/model`` routes do not exist, whatever the API settings; the root route says
    the server is up without saying which Rasa it is."""
    if is_blocked(request.path):
        return response.json({"status": "failure", "reason": "NotFound"}, status=404)
    if request.path == "/":
        return response.json({"status": "ok"})
    return None


def harden(app: Sanic) -> None:
    """Apply the body size limit, block the ``/model`` routes, hide the version and trust the configured proxies."""
    app.config.REQUEST_MAX_SIZE = request_max_bytes()
    app.config.PROXIES_COUNT = settings().proxies_count
    app.register_middleware(refuse_blocked_routes, "request")
    logger.info(
        "HTTP guard: bodies up to %d bytes, /model routes blocked, %d trusted proxies",
        app.config.REQUEST_MAX_SIZE,
        settings().proxies_count,
    )
