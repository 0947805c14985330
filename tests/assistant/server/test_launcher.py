"""``make run`` keeps its local state to its owner and gives the action server a fresh token each run."""

from __future__ import annotations

import os
import stat

import pytest

from assistant.server.launcher import TOKEN_FILE, prepare_local_state
from assistant.settings import Settings


@pytest.fixture(autouse=True)
def umask_restored():
    """make run sets the process's umask for the servers it starts; this test process keeps its own."""
    before = os.umask(0o022)
    os.umask(before)
    yield
    os.umask(before)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_state_folder_and_its_files_are_the_owners_only(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    (var / "tracker.db").write_text("x")
    (var / "tracker.db").chmod(0o644)
    prepare_local_state(Settings(var_dir=var))
    assert mode(var) == 0o700 and mode(var / "tracker.db") == 0o600 and mode(var / TOKEN_FILE) == 0o600
    (var / "written-after.db").write_text("y")  # what the servers write afterwards is the owner's only too
    assert mode(var / "written-after.db") == 0o600


def test_each_run_has_a_fresh_token_unless_one_is_configured(tmp_path):
    first = prepare_local_state(Settings(var_dir=tmp_path))[1]
    second = prepare_local_state(Settings(var_dir=tmp_path))[1]
    assert first != second and len(first) == 48
    assert (tmp_path / TOKEN_FILE).read_text() == second
    assert prepare_local_state(Settings(var_dir=tmp_path, action_server_token="configured"))[1] == "configured"
