"""`make purge` deletes what is older than the configured retention period, and nothing newer."""

from __future__ import annotations

import time

import pytest
from rasa.shared.core.domain import Domain

from assistant.store import retention
from tests.assistant.store.test_redacting import conversation


@pytest.fixture
def endpoints(tmp_path):
    path = tmp_path / "endpoints.yml"
    path.write_text(
        f"""tracker_store:
  type: assistant.store.redacting.RedactingSQLTrackerStore
  dialect: sqlite
  db: {tmp_path / "tracker.db"}
  retention_days: 30
""",
        encoding="utf-8",
    )
    return path


async def seed(endpoints, **ages_in_days):
    store = retention.load_store(endpoints)
    store.domain = Domain.empty()
    for sender, age in ages_in_days.items():
        await store.save(conversation(sender, at=time.time() - age * 86400))
    return store


async def test_make_purge_uses_the_configured_retention_period(endpoints, capsys):
    store = await seed(endpoints, old=45, edge=31, recent=2)
    retention.main(["--endpoints", str(endpoints)])
    assert "deleted 12 events" in capsys.readouterr().out
    assert await store.retrieve("old") is None and await store.retrieve("edge") is None
    assert await store.retrieve("recent") is not None


async def test_the_command_line_can_shorten_it_for_one_run(endpoints):
    store = await seed(endpoints, a=40, b=10, c=1)
    assert retention.purge_expired(endpoints, days=7) == 12
    assert retention.purge_expired(endpoints, days=0.5) == 6
    assert await store.retrieve("c") is None
    assert await store.retrieve("b") is None


def test_a_store_that_cannot_purge_is_refused(tmp_path):
    path = tmp_path / "endpoints.yml"
    path.write_text("tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: " + str(tmp_path / "t.db") + "\n")
    with pytest.raises(SystemExit):
        retention.load_store(path)


async def test_make_purge_deletes_ratings_past_the_retention_period_and_the_figures_no_longer_count_them(endpoints):
    import datetime as dt

    from assistant.staff.figures import Reader, answer_versions
    from assistant.store.feedback import Rating, record

    store = await seed(endpoints, recent=2)
    today = dt.datetime.now(dt.timezone.utc).date()
    version = "sha256:" + "e" * 24
    for age, helpful in ((45, True), (31, True), (29, False), (0, False)):
        record(store.engine, Rating("cart/what_is", version, helpful=helpful), today - dt.timedelta(days=age))
    retention.main(["--endpoints", str(endpoints)])
    kept = answer_versions(Reader(endpoints).read())["cart/what_is"]
    assert [(v.version, v.yes, v.no) for v in kept] == [(version, 0, 2)]
