"""Once the server has started, the loaded model is out of the garbage collector's full passes, garbage left from
loading is freed first, and what the server creates afterwards is still collected, automatically."""

from __future__ import annotations

import gc
import weakref

from assistant.server.gc_freeze import freeze_loaded_model


class Cycle:
    """An object only the collector can free once unreachable (it refers to itself)."""

    def __init__(self) -> None:
        self.me = self


def in_collected_generations(obj: object) -> bool:
    """Is ``obj`` in a generation the collector walks? (``gc.get_objects`` leaves out the frozen ones.)"""
    return any(o is obj for o in gc.get_objects())


async def test_objects_alive_at_start_are_frozen_and_garbage_from_loading_is_freed_first():
    gc.unfreeze()  # whatever an earlier test froze: what follows is this call's alone
    model = [Cycle() for _ in range(100)]
    leftover = weakref.ref(Cycle())  # garbage from loading: unreachable, waiting for a collection
    try:
        assert gc.get_freeze_count() == 0 and in_collected_generations(model[0])
        await freeze_loaded_model(None, None)
        assert gc.get_freeze_count() >= len(model)
        assert not any(in_collected_generations(m) for m in (model, model[0], model[-1]))  # the model itself
        assert leftover() is None  # collected, not frozen (frozen garbage would never be freed)
    finally:
        gc.unfreeze()


async def test_objects_created_after_the_freeze_are_still_collected_automatically():
    gc.unfreeze()
    try:
        await freeze_loaded_model(None, None)
        frozen = gc.get_freeze_count()
        assert gc.isenabled() and gc.get_threshold()[0] > 0  # the automatic collection is still on
        new = Cycle()
        assert in_collected_generations(new)  # a new object is walked, not frozen
        created = weakref.ref(new)
        del new
        for _ in range(10 * gc.get_threshold()[0]):  # a server's worth of new objects, no explicit collect
            Cycle()
        assert created() is None  # freed by the automatic collection
        assert gc.get_freeze_count() == frozen  # and nothing new was frozen
    finally:
        gc.unfreeze()
