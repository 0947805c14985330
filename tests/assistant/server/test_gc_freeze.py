"""Once the server has started, the loaded model is out of the garbage collector's full passes."""
from __future__ import annotations

import gc

from assistant.server.channels import PatientRestInput
from assistant.server.gc_freeze import freeze_loaded_model


async def test_objects_alive_at_start_are_frozen_and_new_ones_are_still_collected():
    class Cycle:
        def __init__(self) -> None:
            self.me = self

    model = [Cycle() for _ in range(100)]
    try:
        await freeze_loaded_model(None, None)
        assert gc.get_freeze_count() >= len(model)
        before = gc.get_freeze_count()
        Cycle()  # unreachable once created: only the collector can free a cycle
        assert gc.collect() > 0 and gc.get_freeze_count() == before
    finally:
        gc.unfreeze()


def test_the_rest_channel_freezes_after_the_server_has_started():
    blueprint = PatientRestInput().blueprint(on_new_message=None)  # type: ignore[arg-type]
    assert (freeze_loaded_model, "after_server_start") in [(f.listener, f.event) for f in blueprint._future_listeners]
