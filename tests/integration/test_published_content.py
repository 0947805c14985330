"""The real servers serving publications (as ``make run`` starts them): a publish reaches patients without a
restart (well within 5 s), and the console's "try a question" route answers with the
staff token only."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from assistant.content import publications
from testkit.servers import running_assistant

pytestmark = pytest.mark.integration

QUESTION = "What is CAR-T cell therapy?"
TOKEN = "integration-staff-token"


def reply_text(assistant, sender: str) -> str:
    """The reply to the question asked as a new patient (senders are random strings of 16+ characters)."""
    return " ".join(str(m.get("text") or "") for m in assistant.say(f"{sender}-{uuid.uuid4().hex}", QUESTION))


def test_a_publication_reaches_patients_within_seconds_and_staff_can_try_a_question(tmp_path):
    url = f"sqlite:///{tmp_path / 'content.db'}"
    files = publications.snapshot()
    publications.publish(files, "make run", note="initial content at first start", url=url)
    env = {"SERVED_CONTENT_DIR": str(tmp_path / "served"), "CONTENT_DATABASE_URL": url, "STAFF_API_TOKEN": TOKEN}
    with running_assistant(tmp_path / "servers", debug=False, extra_env=env) as assistant:
        before = reply_text(assistant, "patient-0")
        assert "immunotherapy" in before
        edited = dict(files)
        edited["data/responses/cart.yml"] = files["data/responses/cart.yml"].replace(
            'utter_cart/what_is:\n  - text: "', 'utter_cart/what_is:\n  - text: "[published] ', 1
        )
        assert edited["data/responses/cart.yml"] != files["data/responses/cart.yml"]
        published = time.monotonic()
        publications.publish(edited, "editor", url=url)
        asked = 0
        while "[published]" not in reply_text(assistant, f"patient-{asked}"):
            asked += 1
            assert time.monotonic() - published < 15, "the publication was not served within 15 s"
            time.sleep(0.2)
        print(f"publish to live: {time.monotonic() - published:.2f} s")

        tried = requests.post(
            f"http://127.0.0.1:{assistant.rasa_port}/webhooks/staff/try",
            json={"text": QUESTION},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
        assert tried.status_code == 200 and tried.json()["reply"] == "cart/what_is"
        refused = requests.post(
            f"http://127.0.0.1:{assistant.rasa_port}/webhooks/staff/try", json={"text": "x"}, timeout=30
        )
        assert refused.status_code == 401
