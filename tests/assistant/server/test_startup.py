"""The server-wide start-up hooks run once, whichever chat channels credentials.yml enables: with socket.io alone
the HTTP guard is in force, the store's errors reach the channels and the model is frozen."""

from __future__ import annotations

import asyncio
import gc
import uuid
from types import SimpleNamespace

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.server import add_root_route
from rasa.shared.core.domain import Domain
from sanic import Sanic, response

from assistant.server.channels import PatientRestInput, PatientSocketIOInput
from assistant.server.http_guard import refuse_blocked_routes


def server_with(*channels, request_max_bytes=4096, configure=None):
    """A Sanic app with only these channels, as ``rasa run`` builds it (Rasa's root route, an /model route as if
    its API were on), and an agent whose store sits in Rasa's fail-safe wrapper."""
    app = Sanic(f"startup_{uuid.uuid4().hex}")
    add_root_route(app)

    @app.route("/model/parse", methods=["POST"])
    async def model_parse(_):
        return response.json({"parsed": True})

    store = InMemoryTrackerStore(Domain.empty())
    app.ctx.agent = SimpleNamespace(tracker_store=FailSafeTrackerStore(store), processor=None)
    for channel in channels:
        app.blueprint(channel.blueprint(lambda message: None), url_prefix=f"/webhooks/{channel.name()}")
    return app, store


@pytest.fixture
def small_bodies(configure):
    configure(request_max_bytes=4096)


@pytest.mark.parametrize(
    "channels",
    [
        pytest.param(lambda: [PatientSocketIOInput(session_persistence=True)], id="socket.io alone"),
        pytest.param(lambda: [PatientRestInput()], id="REST alone"),
        pytest.param(lambda: [PatientRestInput(), PatientSocketIOInput(session_persistence=True)], id="both"),
    ],
)
def test_the_guard_and_the_start_hooks_are_in_force_whichever_channels_are_enabled(channels, small_bodies):
    gc.unfreeze()
    app, store = server_with(*channels())
    try:
        _, root = asyncio.run(app.asgi_client.get("/"))
        _, model = asyncio.run(app.asgi_client.post("/model/parse", json={"text": "hi"}))
        assert root.json == {"status": "ok"} and "Rasa" not in root.text
        assert model.status == 404 and model.json.get("parsed") is None
        assert app.config.REQUEST_MAX_SIZE == 4096  # (enforced by Sanic's HTTP server: tests/integration)
        assert app.ctx.agent.tracker_store is store  # Rasa's fail-safe wrapper taken off
        assert gc.get_freeze_count() > 0  # the model frozen out of full collections
        guards = [m for m in app.request_middleware if getattr(m, "func", m) is refuse_blocked_routes]
        assert len(guards) == 1  # once, even with two channels
    finally:
        gc.unfreeze()
