"""The Rasa server's start-up hooks, installed by every chat channel, run once whichever channels are enabled.

Why here and not on one channel: the HTTP guard (body size, the ``/model`` routes, the version banner), the
published content kept current (:mod:`assistant.server.published_content`: its first look is made before the
model and its watched files load), the fail-safe unwrap of the tracker store and the garbage-collector freeze
concern the whole server. Hung on the
REST channel alone, a ``credentials.yml`` enabling only socket.io started a server without the guard. Each
channel's blueprint calls :func:`install_server_hooks`; a flag on the app makes each hook run once. The staff
route (:mod:`assistant.server.staff_routes`) is added when the first channel's blueprint is registered: Sanic
takes no route once the server starts.
"""

from __future__ import annotations

from typing import Any, Dict

from sanic import Blueprint

from assistant.privacy.names import name_lists
from assistant.server.gc_freeze import freeze_loaded_model
from assistant.server.http_guard import harden
from assistant.server.published_content import start_serving, stop_serving
from assistant.server.staff_routes import add_staff_routes
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
    """Register the server-wide hooks and routes on a channel's blueprint (harmless when several channels do)."""
    blueprint.listener("before_server_start")(_before_server_start)
    blueprint.listener("after_server_start")(_after_server_start)
    blueprint.listener("before_server_stop")(_before_server_stop)
    blueprint.__class__ = _adding_server_routes(type(blueprint))


_ROUTED: Dict[type, type] = {}


def _adding_server_routes(base: type) -> type:
    """``base`` (Sanic's Blueprint, or Rasa's socket.io one) whose registration on an app also adds the
    server-wide routes, once per app: routes must exist before the server starts, and a blueprint's own routes
    all sit under its channel's prefix (``/webhooks/rest/``), so they are added to the app itself. (Sanic's
    blueprints take no new attribute: the class is swapped for a subclass with the same layout.)"""
    if getattr(base, "adds_server_routes", False):
        return base
    if base not in _ROUTED:

        def register(self: Any, app: Any, options: Any) -> None:
            base.register(self, app, options)  # type: ignore[attr-defined]
            if _first_time(app, "server_routes"):
                add_staff_routes(app)

        members = {"__slots__": (), "register": register, "adds_server_routes": True}
        _ROUTED[base] = type(base.__name__, (base,), members)
    return _ROUTED[base]
