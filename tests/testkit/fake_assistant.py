"""A stand-in for the assistant's REST webhook (replies by message text, every request recorded), for the
runner's and the pytest plugin's tests: no trained model needed. The numbers are the test contacts'
(``tests/fixtures/contacts.yml``), never the live ones."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List

URGENT = {
    "text": "**Please get help now.** Call the **Test Hotline** on **0800 000 0001**.",
    "metadata": {"answer_id": "urgent_help"},
}
ANSWER = {
    "text": "CAR-T cell therapy is a type of immunotherapy.",
    "metadata": {"answer_id": "cart/what_is"},
    "buttons": [{"title": "How does it work?", "payload": "How does CAR-T work?"}],
}
UNSURE = {
    "text": "I'm not sure I understood. Did you mean one of these?",
    "metadata": {"answer_id": "clarify"},
    "buttons": [
        {"title": "What is CRS?", "payload": "What is CRS?"},
        {"title": "Talk to a person", "payload": "/handoff"},
    ],
}
HANDOFF = {
    "text": "Call the Hotline.",
    "buttons": [{"title": "Call the Test Hotline", "payload": "tel:08000000001"}],
    "custom": {"type": "contact_card", "contacts": [{"key": "hotline"}]},
}


class FakeAssistant(BaseHTTPRequestHandler):
    """A stand-in REST webhook: replies from ``REPLIES`` by message text, records every request."""

    REPLIES: Dict[str, Any] = {"what is car-t": [ANSWER], "How does CAR-T work?": [UNSURE], "/handoff": [HANDOFF]}
    requests: List[Dict[str, Any]] = []

    def do_GET(self) -> None:  # noqa: N802 (the REST channel's health check)
        self._reply(b'{"status": "ok"}')

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeAssistant.requests.append(body)
        self._reply(json.dumps(self.REPLIES.get(body["message"], [])).encode())

    def _reply(self, payload: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


def serve_fake_assistant() -> Iterator[str]:
    """The stand-in on a free loopback port, its REST webhook URL yielded; stopped afterwards."""
    FakeAssistant.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAssistant)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhooks/rest/webhook"
    finally:
        server.shutdown()
        server.server_close()
