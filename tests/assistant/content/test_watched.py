"""A staff-edited file is read again when it changes; a broken edit keeps the last good version in service."""

from __future__ import annotations

import os
import time

import pytest
import yaml

from assistant.content.watched import Watched, watched_file


def save(path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    stamp = time.time() + 1  # a new modification time even on coarse file systems
    os.utime(path, (stamp, stamp))


def parse(path):
    value = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(value, dict):
        raise ValueError(f"{path} is not a mapping")
    return value


def test_an_edit_is_read_at_the_next_look(tmp_path):
    path = tmp_path / "contacts.yml"
    save(path, "hotline: 1\n")
    watched = watched_file(path, parse)
    assert watched.current() == {"hotline": 1}
    save(path, "hotline: 2\n")
    assert watched.current() == {"hotline": 2} and not watched.failed


def test_a_broken_edit_keeps_the_last_good_version_until_it_is_fixed(tmp_path, caplog):
    path = tmp_path / "contacts.yml"
    save(path, "hotline: 1\n")
    watched = watched_file(path, parse)
    save(path, "hotline: [\n")
    assert watched.current() == {"hotline": 1} and watched.failed
    assert "still using the last good version" in caplog.text
    save(path, "hotline: 3\n")
    assert watched.current() == {"hotline": 3} and not watched.failed


def test_a_file_broken_at_start_stops_the_server(tmp_path):
    path = tmp_path / "contacts.yml"
    save(path, "- not a mapping\n")
    with pytest.raises(ValueError):
        watched_file(path, parse)


def test_a_folder_notices_files_added_changed_and_removed(tmp_path):
    reads = []

    def read(previous):
        reads.append(previous)
        return sorted(p.name for p in tmp_path.glob("*.yml"))

    save(tmp_path / "a.yml", "a: 1\n")
    watched = Watched(tmp_path, read)
    assert watched.current() == ["a.yml"]
    assert watched.current() == ["a.yml"] and len(reads) == 1  # nothing changed: not read again
    save(tmp_path / "b.yml", "b: 1\n")
    assert watched.current() == ["a.yml", "b.yml"]
    (tmp_path / "a.yml").unlink()
    assert watched.current() == ["b.yml"]
    assert reads[-1] == ["a.yml", "b.yml"]  # the read is given the previous good value
