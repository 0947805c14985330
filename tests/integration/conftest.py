"""Start the real assistant (Rasa server + action server) on free loopback ports for the integration tests.

The servers are started by the project's launcher (``assistant.server.launcher``), each under strace when it
can trace here: the no-outbound-connection test reads the ``network_traces`` files.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from assistant.content.contacts import Contact, load_contacts
from assistant.settings import settings
from testkit.network_trace import NetworkTraces
from testkit.servers import AssistantUnderTest as RunningAssistant
from testkit.servers import running_assistant

MODEL = settings().model_path

__all__ = ["MODEL", "RunningAssistant", "assistant"]


@pytest.fixture(scope="session")
def network_traces(tmp_path_factory) -> NetworkTraces:
    return NetworkTraces(tmp_path_factory.mktemp("network"))


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, network_traces: NetworkTraces) -> Iterator[RunningAssistant]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    with running_assistant(tmp_path_factory.mktemp("assistant"), wrapper=network_traces) as running:
        yield running


@pytest.fixture(scope="session")
def hotline() -> Contact:
    """The Hotline as patients see it, from the live content/contacts.yml the servers fill answers from."""
    return load_contacts().shown("hotline")
