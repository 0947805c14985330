"""Start the real assistant (Rasa server + action server) on free loopback ports for the integration tests.

The servers themselves are started by ``testkit.servers`` (shared with the scenario runner).
"""
from __future__ import annotations

import pytest

from testkit.servers import MODEL, RunningAssistant, running_assistant

__all__ = ["MODEL", "RunningAssistant", "assistant"]


@pytest.fixture(scope="session")
def assistant(tmp_path_factory) -> RunningAssistant:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    with running_assistant(tmp_path_factory.mktemp("assistant")) as running:
        yield running
