"""What a client holds names its conversation only through a keyed hash: the stored id gives nothing away."""

from __future__ import annotations

import stat
import uuid

import pytest

from assistant.privacy import conversation_ids
from assistant.privacy.conversation_ids import conversation_id, is_client_value, new_client_value

WIDGET_SECRET = "kq3Jd0fW8vJ1s4Zx9mA2bC7dE5fG6hH8iJ0kL1mN2oP"


@pytest.mark.parametrize(
    "value, usable",
    [
        (WIDGET_SECRET, True),
        (uuid.uuid4().hex, True),
        ("a" * 16, True),
        ("a" * 128, True),
        ("short", False),
        ("t", False),
        ("a" * 129, False),
        ("has spaces in it!", False),
        ("<script>alert(1)</script>", False),
        ("", False),
        (None, False),
        (42, False),
        (["a" * 20], False),
    ],
)
def test_only_hard_to_guess_values_name_a_conversation(value, usable):
    assert is_client_value(value) is usable


def test_a_fresh_value_is_usable_and_never_repeats():
    values = {new_client_value() for _ in range(100)}
    assert len(values) == 100 and all(is_client_value(v) for v in values)


def test_the_stored_id_is_a_keyed_hash_that_differs_from_the_value_and_between_keys():
    stored = conversation_id(WIDGET_SECRET, b"key one")
    assert len(stored) == 64 and WIDGET_SECRET not in stored
    assert stored == conversation_id(WIDGET_SECRET, b"key one")
    assert stored != conversation_id(WIDGET_SECRET, b"key two")
    assert conversation_id(stored, b"key one") != stored  # naming the stored id names another conversation


def test_the_configured_key_is_used(configure):
    configure(conversation_key="a deployment's shared key")
    conversation_ids.conversation_key.cache_clear()
    try:
        assert conversation_id(WIDGET_SECRET) == conversation_id(WIDGET_SECRET, b"a deployment's shared key")
    finally:
        conversation_ids.conversation_key.cache_clear()


def test_without_a_configured_key_one_is_made_once_and_kept_owner_only(configure, tmp_path):
    configure(conversation_key="", var_dir=tmp_path)
    conversation_ids.conversation_key.cache_clear()
    try:
        first = conversation_ids.conversation_key()
        conversation_ids.conversation_key.cache_clear()
        assert conversation_ids.conversation_key() == first and len(first) == 64
        assert stat.S_IMODE((tmp_path / "conversation.key").stat().st_mode) == 0o600
    finally:
        conversation_ids.conversation_key.cache_clear()
