"""Take the loaded model out of the garbage collector's way once the Rasa server has started.

Why: the model, spaCy's pipeline and Rasa's graph are millions of Python objects that live as long as the
process. Python's collector still walks all of them whenever it does a full collection: about 200 ms on
this machine with nothing else running, during which the server (one event loop) answers nobody, so a
turn in flight waits. ``gc.freeze()`` moves every object alive at that moment to a generation the
collector never walks; objects created afterwards (conversations, replies) are collected as before.
The server never loads another model (the ``/model`` routes are blocked, ``assistant/server/http_guard.py``;
live examples retrain only the small question matcher), so nothing frozen is meant to be freed.
"""

from __future__ import annotations

import gc
import logging
from typing import Any

logger = logging.getLogger(__name__)


async def freeze_loaded_model(app: Any, _: Any) -> None:
    """Sanic ``after_server_start`` listener: by then Rasa's own start listener has loaded the model."""
    gc.collect()
    gc.freeze()
    logger.info("Garbage collector: %d objects of the loaded model frozen", gc.get_freeze_count())
