"""Example questions: add, move, remove, the near-twin warning, and trying a question on the assistant."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List

import pytest

from assistant.console.app import Config, create_app
from tests.assistant.console.conftest import TODAY, signed_in

KEY = "cart/what_is"


def nlu_file(workspace):
    return workspace.nlu_dir / "cart.yml"


def test_adding_an_example_writes_it_under_the_answer_and_keeps_the_file(console, workspace):
    before = nlu_file(workspace).read_text(encoding="utf-8")
    edna = signed_in(console, "edna")
    edna.get(f"/examples?key={KEY}")
    response = edna.post(
        "/examples", {"key": KEY, "example": "  whats this  car t  thing my mum got ", "action": "add"}
    )
    assert response.status == 200 and "Example added." in response.text
    after = nlu_file(workspace).read_text(encoding="utf-8")
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added == ["    - whats this car t thing my mum got"]
    assert after.splitlines()[0] == before.splitlines()[0]  # the comments stay


def test_an_example_like_another_answers_is_warned_about_then_added_on_confirmation(console, workspace):
    edna = signed_in(console, "edna")
    edna.get("/examples?key=cart/car_meaning")
    warned = edna.post(
        "/examples",
        {"key": "cart/car_meaning", "example": "please tell me what is car t cell therapy", "action": "add"},
    )
    assert warned.status == 409 and "reads like examples of other answers" in warned.text
    assert "cart/what_is" in warned.text
    assert (
        "what is car t cell therapy"
        not in nlu_file(workspace)
        .read_text(encoding="utf-8")
        .split("intent: cart/car_meaning")[1]
        .split("- intent:")[0]
    )
    confirmed = edna.post(
        "/examples",
        {
            "key": "cart/car_meaning",
            "example": "please tell me what is car t cell therapy",
            "action": "add",
            "confirm": "yes",
        },
    )
    assert confirmed.status == 200


def test_the_same_question_as_another_answers_example_is_refused(console, workspace):
    edna = signed_in(console, "edna")
    edna.get("/examples?key=cart/car_meaning")
    refused = edna.post(
        "/examples",
        {"key": "cart/car_meaning", "example": "What is CAR-T cell therapy", "action": "add", "confirm": "yes"},
    )
    assert refused.status == 409
    assert "already an example of another answer" in refused.text and 'name="confirm"' not in refused.text


def test_moving_and_removing_examples(console, workspace):
    edna = signed_in(console, "edna")
    edna.get(f"/examples?key={KEY}")
    moved = edna.post(
        "/examples", {"key": KEY, "example": "car-t cells what are they", "action": "move", "to": "cart/car_meaning"}
    )
    assert moved.status == 200
    text = nlu_file(workspace).read_text(encoding="utf-8")
    meaning = text.split("intent: cart/car_meaning")[1].split("- intent:")[0]
    assert "- car-t cells what are they" in meaning
    removed = edna.post("/examples", {"key": KEY, "example": "whats cart therapy", "action": "remove"})
    assert removed.status == 200
    assert "- whats cart therapy\n" not in nlu_file(workspace).read_text(encoding="utf-8")


class FakeAssistant(BaseHTTPRequestHandler):
    """The assistant's staff route as the contract describes it (docs/running.md)."""

    received: List[Dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 (the library's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeAssistant.received.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        if self.headers.get("Authorization") != "Bearer staff-token":
            self.send_response(401)
            self.end_headers()
            return
        answer = {
            "urgent": "breath" in body["text"],
            "personal_advice": False,
            "language": "en",
            "reply": "cart/what_is",
            "top": [
                {"answer_id": "cart/what_is", "confidence": 0.91},
                {"answer_id": "cart/car_meaning", "confidence": 0.05},
                {"answer_id": "cart/how_it_works", "confidence": 0.02},
            ],
        }
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def assistant() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAssistant)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_trying_a_question_shows_the_top_three_and_the_safety_flags(workspace, db_url, assistant):
    app = create_app(
        Config(workspace, db_url=db_url, rasa_url=assistant, staff_token="staff-token", today=lambda: TODAY)
    )
    edna = signed_in(app, "edna")
    edna.get(f"/examples?key={KEY}")
    page = edna.post("/examples", {"key": KEY, "example": "im short of breath what is car t", "action": "try"}).text
    assert FakeAssistant.received[-1] == {
        "path": "/webhooks/staff/try",
        "auth": "Bearer staff-token",
        "text": "im short of breath what is car t",
    }
    assert "91%" in page and "cart/car_meaning" in page and "cart/how_it_works" in page
    assert "Urgent help net: <strong>triggered</strong>" in page
    assert "Add as an example of this answer" in page


def test_a_refused_or_absent_assistant_is_a_polite_notice(workspace, db_url, assistant):
    app = create_app(Config(workspace, db_url=db_url, rasa_url=assistant, staff_token="wrong", today=lambda: TODAY))
    edna = signed_in(app, "edna")
    edna.get(f"/examples?key={KEY}")
    refused = edna.post("/examples", {"key": KEY, "example": "what is car t", "action": "try"})
    assert refused.status == 502 and "refused the console" in refused.text
    absent = signed_in(create_app(Config(workspace, db_url=db_url, rasa_url="http://127.0.0.1:9")), "edna")
    absent.get(f"/examples?key={KEY}")
    response = absent.post("/examples", {"key": KEY, "example": "what is car t", "action": "try"})
    assert response.status == 502 and "did not answer" in response.text


def test_an_example_with_personal_details_is_refused(console, workspace):
    before = nlu_file(workspace).read_text(encoding="utf-8")
    edna = signed_in(console, "edna")
    edna.get(f"/examples?key={KEY}")
    for example in ("my name is Sarah Jones what is car t", "what is car t call me on 07700 900123"):
        refused = edna.post("/examples", {"key": KEY, "example": example, "action": "add"})
        assert refused.status == 400 and "personal details" in refused.text, example
    assert nlu_file(workspace).read_text(encoding="utf-8") == before
