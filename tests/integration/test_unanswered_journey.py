"""Issue 31's journey in a real browser on the real servers as ``make run`` starts them (serving publications, the
staff routes with their token, the widget built as ``make web`` builds it):

a patient asks a question in the widget, gets the answer and rates it "No" with a reason; then asks a question the
assistant is not sure about; an editor signs in, sees the "No" counted on that answer's page (``#ratings``), finds
the unanswered question in its group on the Unanswered questions page and adds it, with one click, as an example of
the right answer; a clinical reviewer publishes; the patient's next identical question gets that answer. The seconds
from the click to the patient's answer (and from Publish) are printed.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from assistant.console import accounts
from assistant.content import ROOT, publications
from assistant.server.processes import free_port, wait_for
from testkit.runner import answer_ids
from testkit.servers import running_assistant
from tests.integration.test_console_journey import PASSWORD, copy_content, serious_violations
from tests.integration.widget_browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, Chat, build_site, serving

pytestmark = pytest.mark.integration

TOKEN = "unanswered-journey-token"
ANSWERED = "what is car t cell therapy"
ANSWERED_KEY = "cart/what_is"
# Not an example of any answer, and the model trained on data/nlu is not sure about it (it offers the closest
# answers): it asks what service/stem_cell_transplant answers. Chosen far below the 0.7 threshold (0.30 on the
# model of 8 December 2026): the first choice, at 0.72 then, came to be answered once examples were added.
UNSURE = "would a bone marrow graft happen at the same place or would we be sent on"
RIGHT_KEY = "service/stem_cell_transplant"
CONSOLE = """
import sys
from pathlib import Path
from assistant.console.app import Config, create_app
from assistant.console.texts import Workspace
root, url, rasa, token, port = sys.argv[1:6]
app = create_app(Config(Workspace(Path(root)), db_url=url, rasa_url=rasa, staff_token=token))
app.run(host="127.0.0.1", port=int(port), access_log=False)
"""


def serve_console(root: Path, url: str, rasa: str, env: Dict[str, str]) -> Iterator[str]:
    """The console as ``make run`` starts it: the servers' environment (the same conversation store and staff
    token), editing the repository's files (here a copy)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", CONSOLE, str(root), url, rasa, TOKEN, str(port)],
        cwd=ROOT,
        env={k: v for k, v in env.items() if k != "SERVED_CONTENT_DIR"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/sign-in", 60, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (scripts/test.sh does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def signed_in(chromium: Browser, address: str, username: str) -> Page:
    """A signed-in tab (axe is injected, so the page's no-script policy is bypassed in this browser only)."""
    page = chromium.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    page.goto(address + "/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Texts patients see")).to_be_visible()
    return page


def helpful_no(page: Page) -> int:
    """The "Helpful: no" count in the answer page's ratings table (``#ratings``), summed over its rows."""
    table = page.locator("#ratings")
    expect(table).to_be_visible()
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    column = next(i for i, h in enumerate(headers) if h.startswith("Helpful: no"))
    total = 0
    for row in table.locator("tbody tr").all():
        cells = row.locator("th, td").all_inner_texts()
        digits = "".join(ch for ch in cells[column] if ch.isdigit()) if column < len(cells) else ""
        total += int(digits or 0)
    return total


def answer_id(assistant: Any, text: str) -> str:
    """The answer a new patient gets for ``text`` (REST), or "" when none."""
    found = answer_ids(assistant.say(f"probe-{uuid.uuid4().hex}", text))
    return found[0] if found else ""


def test_rated_no_then_unanswered_then_added_as_an_example_and_answered(chromium: Browser, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'content.db'}"
    root = copy_content(tmp_path / "content")
    publications.publish(publications.snapshot(root), "make run", note="initial content at first start", url=url)
    for name, role in (("edna", "editor"), ("rita", "clinical reviewer")):
        accounts.save_account(name, role, PASSWORD, url)
    env = {"SERVED_CONTENT_DIR": str(tmp_path / "served"), "CONTENT_DATABASE_URL": url, "STAFF_API_TOKEN": TOKEN}
    with running_assistant(tmp_path / "servers", debug=False, extra_env=env) as assistant:
        rasa = f"http://127.0.0.1:{assistant.rasa_port}"
        texts = build_site(tmp_path / "web", rasa)
        with serving(tmp_path / "web" / "site", assistant.web_port) as site:
            # -- the patient ------------------------------------------------------------------------------
            patient = chromium.new_context(viewport=DESKTOP).new_page()
            patient.goto(site + "/index.html")
            chat = Chat(patient, texts).open()
            answer = chat.ask(ANSWERED)
            expect(answer).to_have_attribute("data-answer-id", ANSWERED_KEY)
            rating = answer.get_by_role("group", name=texts["feedback_question"])
            rating.get_by_role("button", name=texts["feedback_no"], exact=True).click()
            why = answer.get_by_role("group", name=texts["feedback_reason_question"])
            why.get_by_role("button", name=texts["feedback_reason_did_not_answer"]).click()
            expect(rating.get_by_role("status")).to_have_text(texts["feedback_thanks"])
            unsure = chat.ask(UNSURE)
            expect(unsure).not_to_have_attribute("data-answer-id", RIGHT_KEY)
            assert unsure.get_attribute("data-answer-id") in ("clarify", ""), unsure.get_attribute("data-answer-id")

            for address in serve_console(root, url, rasa, assistant.env):
                # -- the editor: the "No" on the answer's page -------------------------------------------------
                edna = signed_in(chromium, address, "edna")
                edna.goto(f"{address}/edit?key={ANSWERED_KEY}")
                ratings_shown = edna.locator("#ratings").count() > 0  # the feedback-console branch adds it
                if ratings_shown:
                    assert helpful_no(edna) == 1

                # -- the unanswered question, in its group, added as an example -------------------------------
                edna.get_by_role("link", name="Unanswered questions").click()
                expect(edna.get_by_role("heading", name="Unanswered questions", level=1)).to_be_visible()
                expect(edna.get_by_text("Grouped by meaning")).to_be_visible()
                group = edna.locator("section.console-group", has_text=UNSURE)
                expect(group).to_have_count(1)
                expect(group.get_by_text(RIGHT_KEY).first).to_be_visible()  # among the closest answers
                assert serious_violations(edna, "unanswered") == []
                row = group.get_by_role("row", name=UNSURE)
                title = next(t.title for t in _answers(root) if t.key == RIGHT_KEY)
                add = row.get_by_role("button", name=f'Add as an example of "{title}"')
                clicked = time.monotonic()
                add.click()
                expect(edna.get_by_role("status")).to_contain_text("Added as an example of")
                assert UNSURE in (root / "data" / "nlu" / "service.yml").read_text(encoding="utf-8")
                expect(edna.locator("section.console-group", has_text=UNSURE)).to_contain_text("Now an example of")

                # -- a clinical reviewer publishes ---------------------------------------------------------
                rita = signed_in(chromium, address, "rita")
                rita.goto(f"{address}/publish")
                rita.get_by_role("button", name="Publish now").click()
                expect(rita.get_by_role("status")).to_contain_text("Published as publication 2")
                published = time.monotonic()
                while answer_id(assistant, UNSURE) != RIGHT_KEY:
                    assert time.monotonic() - published < 60, "the new example was not learnt within 60 s"
                    time.sleep(0.2)

                # -- the patient's next identical question gets the answer ---------------------------------
                before = chat.bot_messages.count()
                chat.input.fill(UNSURE)
                chat.input.press("Enter")
                expect(chat.bot_messages.nth(before)).to_have_attribute("data-answer-id", RIGHT_KEY, timeout=30_000)
                answered = time.monotonic()
                print(
                    f"unanswered question to answer: {answered - clicked:.1f} s from the click on 'Add as an "
                    f"example' ({answered - published:.1f} s from Publish) to the patient's answer"
                )
                assert ratings_shown, "no #ratings table on the answer's page (the rest of the journey passed)"


def _answers(root: Path) -> Any:
    from assistant.console.texts import Workspace

    return [t for t in Workspace(root).texts().values() if t.kind == "answer"]
