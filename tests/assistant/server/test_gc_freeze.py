"""Once the server has started, the loaded model is out of the garbage collector's full passes."""

from __future__ import annotations

import gc

from assistant.server.gc_freeze import freeze_loaded_model


async def test_objects_alive_at_start_are_frozen_and_new_ones_are_still_collected():
    class Cycle:
        def __init__(self) -> None:
            self.me = self

    gc.unfreeze()  # whatever an earlier test froze: the count below is this call's alone
    model = [Cycle() for _ in range(100)]
    try:
        assert gc.get_freeze_count() == 0
        await freeze_loaded_model(None, None)
        assert gc.get_freeze_count() >= len(model)
        before = gc.get_freeze_count()
        Cycle()  # unreachable once created: only the collector can free a cycle
        assert gc.collect() > 0 and gc.get_freeze_count() == before
    finally:
        gc.unfreeze()
