"""A publication reaches the served folder, atomically and only where a publication may write; the database is
asked off the event loop, its failures keep the content in service; the watched files follow the served folder."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path

import pytest

from assistant.content import publications
from assistant.content.catalogue import live_responses_dir
from assistant.server import published_content
from assistant.server.live_content import live_answers
from assistant.server.published_content import (
    MARKER,
    PublishedContent,
    is_published_path,
    served_number,
    write_publication,
)
from tests.conftest import PROJECT_ROOT


@pytest.fixture
def database(tmp_path):
    return f"sqlite:///{tmp_path / 'content.db'}"


def fake_root(tmp_path: Path) -> Path:
    """A project folder with one answers file and the contacts (what ``snapshot`` reads)."""
    root = tmp_path / "repo"
    (root / "data" / "responses").mkdir(parents=True, exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    (root / "data" / "responses" / "cart.yml").write_text("responses: {}\n", encoding="utf-8")
    (root / "content" / "contacts.yml").write_text("contacts: {}\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "relative, allowed",
    [
        ("data/responses/cart.yml", True),
        ("data/nlu/new_topic.yml", True),
        ("content/contacts.yml", True),
        ("content/red_flags.yml", False),  # part of the trained model, never published
        ("data/responses/../../assistant/settings.py", False),
        ("data/responses/sub/cart.yml", False),
        ("/etc/passwd", False),
        ("data/responses/cart.py", False),
        ("", False),
    ],
)
def test_only_the_files_a_publication_holds_may_be_written(relative, allowed):
    assert is_published_path(relative) is allowed


def test_a_publication_is_written_whole_and_a_file_it_no_longer_has_is_removed(tmp_path, caplog):
    folder = tmp_path / "served"
    first = {"data/responses/a.yml": "a: 1\n", "data/responses/b.yml": "b: 1\n", "content/contacts.yml": "c\n"}
    assert write_publication(folder, first, 1) == 3
    assert served_number(folder) == 1
    stamp = (folder / "data/responses/a.yml").stat().st_mtime_ns
    second = {"data/responses/a.yml": "a: 1\n", "content/contacts.yml": "c2\n", "../outside.yml": "x"}
    with caplog.at_level(logging.ERROR):
        assert write_publication(folder, second, 2) == 2  # contacts changed, b removed; a untouched
    assert (folder / "data/responses/a.yml").stat().st_mtime_ns == stamp
    assert not (folder / "data/responses/b.yml").exists()
    assert (folder / "content/contacts.yml").read_text(encoding="utf-8") == "c2\n"
    assert not (tmp_path / "outside.yml").exists() and "may not hold" in caplog.text
    assert served_number(folder) == 2
    assert not list(folder.rglob("*.tmp"))  # no temporary file left behind


def test_the_latest_publication_is_taken_up_and_nothing_published_serves_the_repository(tmp_path, database):
    root = fake_root(tmp_path)
    served = PublishedContent(tmp_path / "served", database, root=root)
    served.start()
    assert served.number == 0
    assert (tmp_path / "served/data/responses/cart.yml").read_text(encoding="utf-8") == "responses: {}\n"
    assert served.look() is False  # nothing new
    number = publications.publish({"data/responses/cart.yml": "responses: {x: 1}\n"}, "editor", url=database)
    assert served.look() is True and served.number == number
    assert (tmp_path / "served/data/responses/cart.yml").read_text(encoding="utf-8") == "responses: {x: 1}\n"
    assert not (tmp_path / "served/content/contacts.yml").exists()  # not in that publication
    assert served_number(tmp_path / "served") == number


def test_a_database_failure_keeps_the_content_in_service_and_is_logged_once(tmp_path, database, monkeypatch, caplog):
    served = PublishedContent(tmp_path / "served", database, root=fake_root(tmp_path))
    number = publications.publish({"data/responses/cart.yml": "published: 1\n"}, "editor", url=database)
    served.start()

    def unreachable(url=""):
        raise ConnectionError("database down")

    monkeypatch.setattr(publications, "latest_number", unreachable)
    with caplog.at_level(logging.ERROR):
        assert served.look() is False and served.look() is False
    assert caplog.text.count("Cannot read the published content") == 1
    assert served.number == number
    assert (tmp_path / "served/data/responses/cart.yml").read_text(encoding="utf-8") == "published: 1\n"
    monkeypatch.undo()
    publications.publish({"data/responses/cart.yml": "published: 2\n"}, "editor", url=database)
    assert served.look() is True and not served.failing
    assert (tmp_path / "served/data/responses/cart.yml").read_text(encoding="utf-8") == "published: 2\n"


def test_at_start_an_unreachable_database_serves_what_was_served_before_else_the_repository(tmp_path, monkeypatch):
    monkeypatch.setattr(publications, "latest_number", lambda url="": (_ for _ in ()).throw(OSError("down")))
    empty = PublishedContent(tmp_path / "empty", "sqlite://", root=fake_root(tmp_path))
    empty.start()
    assert (tmp_path / "empty/content/contacts.yml").exists() and served_number(tmp_path / "empty") == 0
    assert empty.number is None  # not a publication: replaced as soon as the database answers
    write_publication(tmp_path / "before", {"content/contacts.yml": "published\n"}, 7)
    before = PublishedContent(tmp_path / "before", "sqlite://", root=fake_root(tmp_path))
    before.start()
    assert before.number == 7
    assert (tmp_path / "before/content/contacts.yml").read_text(encoding="utf-8") == "published\n"


def test_a_slow_database_never_blocks_the_event_loop(tmp_path, monkeypatch):
    served = PublishedContent(tmp_path / "served", "sqlite://", interval=0.01, root=fake_root(tmp_path))
    served.number = 0
    asked = threading.Event()

    def slow(url=""):
        asked.set()
        time.sleep(0.5)
        return 0

    monkeypatch.setattr(publications, "latest_number", slow)

    async def scenario() -> float:
        task = asyncio.ensure_future(served.keep_current())
        while not asked.is_set():
            await asyncio.sleep(0.005)
        worst, last = 0.0, time.monotonic()
        for _ in range(20):  # 0.2 s while the database is being asked
            await asyncio.sleep(0.01)
            now = time.monotonic()
            worst, last = max(worst, now - last), now
        task.cancel()
        return worst

    assert asyncio.run(scenario()) < 0.2


def test_the_watched_answers_follow_the_served_folder_and_take_up_a_publication(tmp_path, database, configure):
    folder = tmp_path / "served"
    configure(served_content_dir=folder, content_db_url=database)
    served = PublishedContent(folder, database)
    served.start()  # nothing published: the repository's files
    assert live_responses_dir() == folder / "data" / "responses"
    answers = live_answers(live_responses_dir())
    original = answers.current().merged["utter_cart/what_is"][0]["text"]
    files = publications.snapshot()
    files["data/responses/cart.yml"] = files["data/responses/cart.yml"].replace(
        original[:40], "Published: " + original[:40], 1
    )
    publications.publish(files, "editor", url=database)
    assert served.look() is True
    assert answers.current().merged["utter_cart/what_is"][0]["text"].startswith("Published: ")
    assert (PROJECT_ROOT / "data/responses/cart.yml").read_text(encoding="utf-8").count("Published: ") == 0


def test_the_server_hooks_start_and_stop_the_poller_only_with_a_served_folder(tmp_path, database, configure):
    from types import SimpleNamespace

    app = SimpleNamespace(ctx=SimpleNamespace())

    async def scenario(folder):
        configure(served_content_dir=folder, content_db_url=database)
        served = published_content.start_serving(app, asyncio.get_running_loop())
        await published_content.stop_serving(app, None)
        return served

    assert asyncio.run(scenario(None)) is None
    served = asyncio.run(scenario(tmp_path / "served"))
    assert served is not None and (tmp_path / "served" / MARKER).exists()
    assert app.ctx.published_content_task.cancelled()
