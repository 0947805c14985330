"""Lock down the Rasa server's HTTP surface: body size, the ``/model`` routes, allowed origins, client addresses.

Why: the Rasa server is reachable from patients' browsers. Sanic accepts 100 MB request bodies by
default; the HTTP API (off unless ``make run`` is told otherwise, see ``assistant/server/launcher.py``) includes
``PUT /model``, which loads a model from a path or URL given in the request, a known remote code
execution route in Rasa 3.6 (CVE-2024-49375) that version pins fix only in part. The REST channel
calls :func:`harden` when the server starts (a blueprint listener), so these hold however the
server is launched with our ``credentials.yml``.

Settings from the environment:

- ``REQUEST_MAX_BYTES`` (default 65536): the largest request body accepted (a 1,000-character
  message is at most ~6 KB of JSON); an explicit ``SANIC_REQUEST_MAX_SIZE`` wins;
- ``CORS_ORIGINS`` (space-separated; default the demo page of ``make run``): the web pages allowed to
  call the chat endpoints, used by ``rasa run --cors`` for REST and by the socket.io channel;
- ``PROXIES_COUNT`` (default 0: clients connect directly): how many reverse proxies stand in front of the
  server, each appending the address it saw to ``X-Forwarded-For`` (nginx in ``deploy/``: 1). The client's
  address is then that header's entry this many places from the end, so the per-address rate limit
  (``assistant/server/rate_limit.py``) counts each patient, not the proxy they all come through; entries a
  client writes itself sit further left and are ignored. Left at 0 behind a proxy, every patient shares the
  proxy's address and one abuser locks everyone out; set higher than the real count, a client can choose
  its own address. An explicit ``SANIC_PROXIES_COUNT`` wins (Sanic's own setting).
"""

from __future__ import annotations

import logging
import os
from typing import List, Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

DEFAULT_REQUEST_MAX_BYTES = 65536
DEFAULT_CORS_ORIGINS = "http://127.0.0.1:8080 http://localhost:8080"
BLOCKED_PREFIXES = ("/model",)


def allowed_origins() -> List[str]:
    """The origins (scheme://host:port) allowed to call the chat endpoints from a browser."""
    return os.environ.get("CORS_ORIGINS", DEFAULT_CORS_ORIGINS).split()


def request_max_bytes() -> int:
    return int(os.environ.get("REQUEST_MAX_BYTES", DEFAULT_REQUEST_MAX_BYTES))


def proxies_count() -> int:
    """The number of trusted reverse proxies in front of the server (``PROXIES_COUNT``)."""
    setting = os.environ.get("PROXIES_COUNT", "0")
    if not setting.strip().isdigit():
        raise ValueError(f"PROXIES_COUNT must be a whole number (0 without a proxy), not {setting!r}")
    return int(setting)


def client_ip(request: Request) -> str:
    """The client's address: from ``X-Forwarded-For`` behind trusted proxies (Sanic's ``remote_addr`` with the
    ``PROXIES_COUNT`` that :func:`harden` sets), else the connection's own address."""
    return request.remote_addr or request.ip or "unknown"


def is_blocked(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in BLOCKED_PREFIXES)


async def refuse_blocked_routes(request: Request) -> Optional[HTTPResponse]:
    """Request middleware: the ``/model`` routes do not exist, whatever the API settings."""
    if is_blocked(request.path):
        return response.json({"status": "failure", "reason": "NotFound"}, status=404)
    return None


def harden(app: Sanic) -> None:
    """Apply the body size limit and the proxy count, and block the ``/model`` routes on ``app`` (idempotent)."""
    if "SANIC_REQUEST_MAX_SIZE" not in os.environ:
        app.config.REQUEST_MAX_SIZE = request_max_bytes()
    if "SANIC_PROXIES_COUNT" not in os.environ:
        app.config.PROXIES_COUNT = proxies_count()
    app.register_middleware(refuse_blocked_routes, "request")
    logger.info(
        "HTTP guard: bodies up to %d bytes, %d trusted proxies, /model routes blocked",
        app.config.REQUEST_MAX_SIZE,
        app.config.PROXIES_COUNT or 0,
    )
