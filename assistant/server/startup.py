"""The Rasa server's start-up hooks, installed by every chat channel, run once whichever channels are enabled.

Why here and not on one channel: the HTTP guard (body size, the ``/model`` routes, the version banner), the
published content kept current (:mod:`assistant.server.published_content`: its first look is made before the
model and its watched files load), the fail-safe unwrap of the tracker store and the garbage-collector freeze
concern the whole server. Hung on the
REST channel alone, a ``credentials.yml`` enabling only socket.io started a server without the guard. Each
channel's blueprint calls :func:`install_server_hooks`; a flag on the app makes each hook run once.
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint

from assistant.privacy.names import name_lists
from assistant.server.gc_freeze import freeze_loaded_model
from assistant.server.http_guard import harden
from assistant.server.published_content import start_serving, stop_serving
from assistant.server.storage_failure import surface_store_errors


def _first_time(app: Any, hook: str) -> bool:
    done = getattr(app.ctx, "cart_hooks_done", None)
    if done is None:
        done = app.ctx.cart_hooks_done = set()
    if hook in done:
        return False
    done.add(hook)
    return True


async def _before_server_start(app: Any, loop: Any) -> None:
    """Runs before Rasa's own listener loads the agent (registered earlier, with the channels)."""
    if _first_time(app, "before_server_start"):
        harden(app)
        start_serving(app, loop)


async def _after_server_start(app: Any, loop: Any) -> None:
    """By now Rasa's own start listener has loaded the agent; the server loads no other (``/model`` blocked).
    The redaction's name lists are built now too (seconds), not on the first patient's turn."""
    if _first_time(app, "after_server_start"):
        surface_store_errors(getattr(app.ctx, "agent", None))
        name_lists()
        await freeze_loaded_model(app, loop)


async def _before_server_stop(app: Any, loop: Any) -> None:
    if _first_time(app, "before_server_stop"):
        await stop_serving(app, loop)


def install_server_hooks(blueprint: Blueprint) -> None:
    """Register the server-wide hooks on a channel's blueprint (harmless when several channels do)."""
    blueprint.listener("before_server_start")(_before_server_start)
    blueprint.listener("after_server_start")(_after_server_start)
    blueprint.listener("before_server_stop")(_before_server_stop)
