"""The unanswered questions page: groups (by the assistant's meaning, or by wording when it cannot be reached),
one click to add a message as an example (the console's own check and history), personal details refused, and
"needs a new answer" marked, shown and undone, in the history."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List

import pytest

from assistant.console import history, unanswered
from assistant.console.app import Config, create_app
from assistant.content.opening_hours import UK_TZ
from assistant.staff.figures import Turn
from tests.assistant.console.conftest import TODAY, signed_in

WHEN = dt.datetime(2026, 12, 1, 10, 0, tzinfo=UK_TZ)
ASKED = [
    ("a", "can I bring my dog on the ward", "nlu_fallback", ["utter_clarify"]),
    ("b", "are pets allowed to visit the ward", "nlu_fallback", ["utter_clarify"]),
    ("c", "can I bring my dog on the ward", "nlu_fallback", ["utter_clarify"]),
    ("d", "how much does herceptin cost", "out_of_scope", ["utter_out_of_scope"]),
    ("e", "my name is [NAME], call me on [PHONE]", "handoff", ["action_handoff"]),
    ("f", "what is car t", "cart", ["utter_cart"]),  # answered: not on the page
]


def turns() -> List[Turn]:
    return [
        Turn(sender, WHEN + dt.timedelta(days=n), text, intent, 0.3, actions=list(actions))
        for n, (sender, text, intent, actions) in enumerate(ASKED)
    ]


@pytest.fixture(autouse=True)
def conversations(monkeypatch: pytest.MonkeyPatch) -> None:
    async def read(figures):
        return unanswered.unanswered_messages(turns())

    monkeypatch.setattr(unanswered, "read_messages", read)


class GroupingAssistant(BaseHTTPRequestHandler):
    """``POST /webhooks/staff/group`` as the contract says: the dog questions together, the rest alone."""

    calls: List[List[str]] = []

    def do_POST(self) -> None:  # noqa: N802 (the library's name)
        texts = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["texts"]
        GroupingAssistant.calls.append(texts)
        pets = [i for i, t in enumerate(texts) if "dog" in t or "pets" in t]
        groups: List[Dict[str, Any]] = [
            {"members": pets, "closest": [{"answer_id": "service/ward_5", "confidence": 0.41}]}
        ]
        groups += [{"members": [i], "closest": []} for i in range(len(texts)) if i not in pets]
        data = json.dumps({"grouped_by": "sentence embeddings", "groups": groups}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def grouping_console(workspace, db_url, clock) -> Iterator[Any]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), GroupingAssistant)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = Config(
        workspace,
        db_url=db_url,
        clock=clock,
        today=lambda: TODAY,
        rasa_url=f"http://127.0.0.1:{server.server_address[1]}",
        staff_token="t",
    )
    yield create_app(config)
    server.shutdown()


def an_answer(workspace) -> str:
    return "service/ward_5"


def test_messages_are_the_not_sure_out_of_scope_and_handoff_turns_counted_per_wording():
    found = unanswered.unanswered_messages(turns())
    assert [(m.text, m.count, m.conversations) for m in found] == [
        ("my name is [NAME], call me on [PHONE]", 1, 1),
        ("how much does herceptin cost", 1, 1),
        ("can I bring my dog on the ward", 2, 2),
        ("are pets allowed to visit the ward", 1, 1),
    ]
    assert found[0].kinds == ["handoff"] and not found[0].safe
    assert found[2].first.date() == dt.date(2026, 12, 1) and found[2].last.date() == dt.date(2026, 12, 3)


def test_grouped_by_meaning_with_the_closest_answers(grouping_console, workspace):
    edna = signed_in(grouping_console, "edna")
    page = edna.get("/unanswered")
    assert page.status == 200, page.text
    assert "Grouped by meaning" in page.text and "5 questions (4 wordings) in 3 groups" in page.text
    assert "in 2 wordings" in page.text and "01 Dec 2026 to 03 Dec 2026" in page.text
    assert "service/ward_5, 41% sure" in page.text
    assert "Holds personal details, so it cannot be an example." in page.text
    assert "what is car t" not in page.text  # answered
    assert GroupingAssistant.calls[-1][0] == "my name is [NAME], call me on [PHONE]"  # most recent first


def test_unreachable_assistant_is_said_plainly_and_the_grouping_is_by_wording(console):
    edna = signed_in(console, "edna")
    page = edna.get("/unanswered")
    assert page.status == 200
    assert "Grouped by similar wording" in page.text and "could not be reached" in page.text
    assert "Not known: the assistant could not be asked." in page.text
    assert 'href="/unanswered" aria-current="page"' in page.text  # in the navigation


def test_adding_a_message_as_an_example_uses_the_console_check_and_history(grouping_console, workspace, db_url):
    key = an_answer(workspace)
    edna = signed_in(grouping_console, "edna")
    edna.get("/unanswered")
    added = edna.post("/unanswered", {"action": "add", "example": "are pets allowed to visit the ward", "key": key})
    assert added.status == 200, added.text
    assert "Added as an example of" in added.text
    assert "are pets allowed to visit the ward" in (workspace.nlu_dir / f"{key.split('/')[0]}.yml").read_text()
    entry = history.entries(f"examples:{key}", url=db_url)[0]
    assert entry.action == history.SAVE and entry.username == "edna"
    assert "are pets allowed to visit the ward" in entry.after
    assert "Now an example of" in added.text
    chosen = edna.post(
        "/unanswered",
        {"action": "add", "example": "how much does herceptin cost", "key": "chosen", "chosen": "cart/cost"},
    )
    assert chosen.status in (200, 409), chosen.text  # 409: the near-twin warning asks first, as on the examples page


def test_a_message_holding_personal_details_is_refused(grouping_console, workspace):
    edna = signed_in(grouping_console, "edna")
    edna.get("/unanswered")
    for text in ("my name is [NAME], call me on [PHONE]", "please call Sarah Jones on 07700 900123"):
        refused = edna.post("/unanswered", {"action": "add", "example": text, "key": "cart/what_is"})
        assert refused.status == 400 and "personal details" in refused.text
        assert text not in (workspace.nlu_dir / "cart.yml").read_text()


def test_a_group_is_marked_as_needing_a_new_answer_and_undone_in_the_history(grouping_console, db_url):
    edna = signed_in(grouping_console, "edna")
    page = edna.get("/unanswered")
    ids = [
        unanswered.message_id("can I bring my dog on the ward"),
        unanswered.message_id("are pets allowed to visit the ward"),
    ]
    group = ids[0]
    marked = edna.post(
        "/unanswered",
        {"action": "mark", "group": group, "messages": ",".join(ids), "example": "can I bring my dog on the ward"},
    )
    assert marked.status == 200 and "Marked as needing a new answer" in marked.text
    assert marked.text.count('nhsuk-tag--orange">Needs a new answer') == 1 and "marked by edna" in marked.text
    assert 'Undo "needs a new answer"' in marked.text
    rita = signed_in(grouping_console, "rita")
    assert "marked by edna" in rita.get("/unanswered").text  # everyone sees it
    undone = edna.post("/unanswered", {"action": "unmark", "group": group, "messages": ",".join(ids), "example": "x"})
    assert "The mark is removed." in undone.text and "marked by edna" not in undone.text
    rows = history.entries_under(unanswered.MARK_PREFIX, url=db_url)
    assert [r.action for r in rows] == [history.UNMARK, history.MARK]
    assert rows[1].after["text"] == "Needs a new answer: can I bring my dog on the ward"
    assert history.verify_chain(url=db_url) is None
    shown = edna.get("/history")
    assert shown.status == 200 and "needs new answer" in shown.text and "mark undone" in shown.text
    assert "Needs a new answer: can I bring my dog on the ward" in shown.text
    assert page.status == 200


def test_the_mark_keeps_no_personal_wording():
    _, _, after = unanswered.mark_record("0" * 16, "call Sarah Jones on 07700 900123", ["1" * 16], True)
    assert "Sarah" not in json.dumps(after) and "07700" not in json.dumps(after)


def test_posts_need_the_csrf_token(grouping_console):
    edna = signed_in(grouping_console, "edna")
    edna.get("/unanswered")
    refused = edna.post("/unanswered", {"action": "mark", "group": "0" * 16, "messages": "1" * 16}, csrf="wrong")
    assert refused.status == 403
