"""The tester toolkit's tests run against a stand-in REST webhook (``fake_assistant.py``)."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.testkit.fake_assistant import serve_fake_assistant


@pytest.fixture
def fake_webhook() -> Iterator[str]:
    yield from serve_fake_assistant()
