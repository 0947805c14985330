"""``make run`` keeps its local state to its owner and gives the action server a fresh token each run."""

from __future__ import annotations

import os
import stat

import pytest

from assistant.content import publications
from assistant.server.launcher import (
    INITIAL_NOTE,
    TOKEN_FILE,
    console_environment,
    initial_publication,
    prepare_local_state,
    serving_mode,
)
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


def test_the_first_run_publishes_the_repository_files_as_publication_1_and_later_runs_keep_the_latest(tmp_path):
    url = f"sqlite:///{tmp_path / 'console.db'}"
    assert initial_publication(url) == (1, True)
    first = publications.load(1, url)
    assert first is not None and first.note == INITIAL_NOTE and first.files == publications.snapshot()
    publications.publish({"content/contacts.yml": "edited"}, "editor", url=url)
    assert initial_publication(url) == (2, False)


def test_an_unusable_content_database_stops_the_run_without_showing_its_address(tmp_path):
    with pytest.raises(RuntimeError) as refused:
        initial_publication(f"sqlite:///{tmp_path}/no/such/folder/secret-name.db")
    assert "secret-name" not in str(refused.value) and "CONTENT_DATABASE_URL" in str(refused.value)


def test_the_console_edits_the_repository_and_shares_the_staff_token(tmp_path):
    current = Settings(console_port=8123, rasa_port=5123)
    env = {"SERVED_CONTENT_DIR": str(tmp_path), "STAFF_API_TOKEN": "t", "CONTENT_DATABASE_URL": "sqlite://"}
    console = console_environment(env, current)
    assert "SERVED_CONTENT_DIR" not in console
    assert console["STAFF_API_TOKEN"] == "t" and console["CONSOLE_PORT"] == "8123" and console["RASA_PORT"] == "5123"


def test_make_run_says_which_texts_it_serves():
    assert serving_mode(Settings()).startswith("every text")
    assert serving_mode(Settings(serve_signed_off_only=True)).startswith("signed-off texts only")
