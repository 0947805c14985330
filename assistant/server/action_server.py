"""The action server: rasa-sdk's app, on loopback only, answering only the Rasa server.

Why not ``rasa run actions`` as it is: it binds 0.0.0.0 unless ``SANIC_HOST`` says otherwise, accepts
calls from anyone (Rasa can send a token, rasa-sdk never checks one), allows any CORS origin, and
on an error answers with the whole request body, i.e. the tracker with the patient's messages,
which the Rasa server then writes to its log at ERROR level. This wrapper builds the same rasa-sdk
Sanic app and:

- binds ``127.0.0.1`` unless ``--interface`` says otherwise;
- requires ``Authorization: Bearer <ACTION_SERVER_TOKEN>`` on every route but ``/health``
  (``endpoints.yml`` makes the Rasa server send it); it refuses to start without a token;
- answers errors with a short generic body that never contains the request;
- redacts its log lines (``assistant.privacy.log_redaction``);
- keeps the published contacts and texts current, like the Rasa server
  (:mod:`assistant.server.published_content`, when ``served_content_dir`` is set).

Run: ``python -m assistant.server.action_server --actions actions --port 5055``.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import sys
from typing import Any, Optional

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.privacy.log_redaction import install_log_redaction
from assistant.server.published_content import start_serving, stop_serving
from assistant.settings import settings

logger = logging.getLogger(__name__)

TOKEN_ENV = "ACTION_SERVER_TOKEN"
OPEN_PATHS = frozenset({"/health"})


def is_authorised(request: Request, token: str) -> bool:
    """Constant-time check of the bearer token the Rasa server sends (``endpoints.yml``)."""
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def create_action_app(actions_package: str, token: str) -> Sanic:
    """rasa-sdk's app with the token check and error responses that never echo the request."""
    if not token:
        raise ValueError(f"{TOKEN_ENV} is empty: the action server would accept anyone's calls")
    app = create_app(actions_package, cors_origins="")

    @app.middleware("request")
    async def require_token(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS or is_authorised(request, token):
            return None
        return response.json({"error": "Unauthorised"}, status=401)

    async def safe_error(request: Request, exception: Exception) -> HTTPResponse:
        if isinstance(exception, SanicException):
            return response.json({"error": type(exception).__name__}, status=exception.status_code or 500)
        logger.error("Action request to %s failed: %s", request.path, type(exception).__name__, exc_info=exception)
        return response.json({"error": "The action failed."}, status=500)

    # Replaces rasa-sdk's handler, which returns {"request_body": request.json} and logs it.
    app.error_handler.add(Exception, safe_error)
    app.register_listener(start_published_content, "before_server_start")
    app.register_listener(stop_serving, "before_server_stop")
    return app


async def start_published_content(app: Sanic, loop: Any) -> None:
    start_serving(app, loop)


def create_argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="The assistant's action server (rasa-sdk, locked down).")
    parser.add_argument("--actions", default="actions", help="package with the custom actions")
    parser.add_argument("--port", type=int, default=settings().action_port)
    parser.add_argument("--interface", default=settings().bind_address, help="address to bind (default loopback)")
    return parser


def main(argv: Optional[Any] = None) -> None:
    args = create_argument_parser().parse_args(argv)
    install_log_redaction()
    utils.configure_colored_logging(logging.INFO)
    utils.update_sanic_log_level()
    token = settings().action_server_token
    if not token:
        sys.exit(f"Refusing to start: set {TOKEN_ENV} (the Rasa server sends it; see endpoints.yml).")
    app = create_action_app(args.actions, token)
    logger.info("Action server on http://%s:%d (token required)", args.interface, args.port)
    app.run(args.interface, args.port, workers=utils.number_of_sanic_workers(), access_log=False)


if __name__ == "__main__":
    main()
