"""A publish reaches every replica without a restart: two Rasa replicas, each with its own served folder (no
shared disk), read the latest publication from the one content database (PostgreSQL).

Started by ``make test-scale`` (skipped unless ``SCALE_TEST=1``), on the throw-away PostgreSQL and Redis and the
production configuration ``endpoints.scale.yml``, as ``tests/scale/test_replicas.py``.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from assistant.content import publications
from assistant.server.processes import free_port
from assistant.settings import ROOT, settings
from testkit.local_services import postgres_server, redis_server
from testkit.servers import AssistantUnderTest
from tests.scale.test_replicas import scale_env

pytestmark = pytest.mark.scale

QUESTION = "What is CAR-T cell therapy?"


def reply_text(replica: AssistantUnderTest) -> str:
    return " ".join(str(m.get("text") or "") for m in replica.say(f"publish-{uuid.uuid4().hex}", QUESTION))


@pytest.mark.skipif(
    settings().get("SCALE_TEST") != "1", reason="make test-scale (SCALE_TEST=1) starts PostgreSQL, Redis and 2 replicas"
)
def test_a_publish_reaches_every_replica_without_a_restart(tmp_path: Path):
    with postgres_server("-c max_connections=200") as postgres, redis_server() as redis:
        url = f"postgresql://postgres@127.0.0.1:{postgres.port}/postgres"
        files = publications.snapshot()
        publications.publish(files, "make run", note="initial content at first start", url=url)
        action_port = free_port()
        env = {**scale_env(tmp_path, postgres.port, redis.port, action_port), "CONTENT_DATABASE_URL": url}
        replicas = []
        for number in range(2):
            workdir = tmp_path / f"replica-{number}"
            workdir.mkdir()
            replica_env = {**env, "SERVED_CONTENT_DIR": str(workdir / "served")}
            replicas.append(
                AssistantUnderTest(
                    workdir, free_port(), action_port, replica_env, ROOT / "endpoints.scale.yml", settings().model_path
                )
            )
        try:
            replicas[0].start_actions()
            for replica in replicas:
                replica.start_rasa()
            assert all("[published]" not in reply_text(replica) for replica in replicas)
            edited = files["data/responses/cart.yml"].replace(
                'utter_cart/what_is:\n  - text: "', 'utter_cart/what_is:\n  - text: "[published] ', 1
            )
            assert edited != files["data/responses/cart.yml"]
            published = time.monotonic()
            number = publications.publish({**files, "data/responses/cart.yml": edited}, "editor", url=url)
            live = {}
            while len(live) < len(replicas):
                for index, replica in enumerate(replicas):
                    if index not in live and "[published]" in reply_text(replica):
                        live[index] = time.monotonic() - published
                assert time.monotonic() - published < 30, f"not every replica served publication {number}: {live}"
                time.sleep(0.2)
            print(f"publication {number} live on replica 0 after {live[0]:.2f} s, replica 1 after {live[1]:.2f} s")
            for index, replica in enumerate(replicas):
                marker = Path(replica.env["SERVED_CONTENT_DIR"]) / ".publication"
                assert marker.read_text(encoding="utf-8").strip() == str(number), index
        finally:
            for replica in replicas:
                replica.stop_all()
