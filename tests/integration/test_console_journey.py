"""The staff console in a real browser (Chromium, Playwright), served for real on a copy of the content.

The journey of issue 30: an editor signs in, changes an answer's wording, sees the check and the preview, tries a
question and adds it as an example; a reviewer sees the difference and signs off; a reviewer's sign-off of their
own change is refused; axe-core finds no serious or critical violation on any console page. There, "try a
question" asks a stand-in speaking the contract's staff route (``POST /webhooks/staff/try``). The last test runs
the real servers as ``make run`` starts them (serving publications, the staff route with its token): a question
tried on the real model, the wording signed off and published, and a patient getting it, with the seconds from
Publish to the patient's answer. Screenshots go to ``results/console/`` (the staff guide's come from there).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from assistant.console import accounts
from assistant.console.texts import Workspace
from assistant.content import ROOT, publications
from assistant.content.versions import APPROVED, sign_off_status
from assistant.server.processes import free_port, wait_for
from assistant.settings import settings
from testkit.servers import running_assistant
from tests.integration.widget_browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP

pytestmark = pytest.mark.integration

RESULTS = ROOT / "results" / "console"
PASSWORD = "journey password 2026"
KEY = "cart/what_is"
NEW_WORDING = "CAR-T is a treatment made from your own immune cells.\n\nIf you feel unwell, call {hotline_phone}."
QUESTION = "my nan has been offered car t what even is it"
MARKER = "[console journey]"
TOKEN = "console-journey-token"
NEW_EXAMPLE = "what is this car t my consultant keeps mentioning"
SERVE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from assistant.console.app import Config, create_app
    from assistant.console.texts import Workspace
    root, url, rasa, token, port = sys.argv[1:6]
    app = create_app(Config(Workspace(Path(root)), db_url=url, rasa_url=rasa, staff_token=token))
    app.run(host="127.0.0.1", port=int(port), access_log=False)
    """
)


class ContractAssistant(BaseHTTPRequestHandler):
    """The staff route as the contract describes it, answering every question with cart/what_is."""

    def do_POST(self) -> None:  # noqa: N802 (the library's name)
        json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.headers.get("Authorization") != "Bearer journey-token":
            self.send_response(401)
            self.end_headers()
            return
        top = [("cart/what_is", 0.87), ("cart/car_meaning", 0.06), ("cart/how_it_works", 0.03)]
        body = {
            "urgent": False,
            "personal_advice": False,
            "language": "en",
            "reply": "cart/what_is",
            "top": [{"answer_id": a, "confidence": c} for a, c in top],
        }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def copy_content(root: Path) -> Path:
    for part in ("data", "content"):
        shutil.copytree(ROOT / part, root / part)
    shutil.copy(ROOT / "domain.yml", root / "domain.yml")
    (root / "tests").mkdir()
    for path in ROOT.glob("tests/test_*.yml"):
        shutil.copy(path, root / "tests" / path.name)
    return root


def serve_console(root: Path, url: str, rasa: str, token: str) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(root), url, rasa, token, str(port)],
        cwd=ROOT,
        env=settings().server_environment(),
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
def contract_assistant() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ContractAssistant)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def console(tmp_path_factory, contract_assistant: str) -> Iterator[Dict[str, Any]]:
    root = copy_content(tmp_path_factory.mktemp("console-content"))
    url = f"sqlite:///{tmp_path_factory.mktemp('console-db') / 'console.db'}"
    for name, role in (("edna", "editor"), ("rita", "clinical reviewer"), ("rob", "clinical reviewer")):
        accounts.save_account(name, role, PASSWORD, url)
    for address in serve_console(root, url, contract_assistant, "journey-token"):
        yield {"url": address, "workspace": Workspace(root)}


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (scripts/test.sh does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def person(chromium: Browser, console: Dict[str, Any], username: str) -> Page:
    """A signed-in tab (axe is injected, so the page's no-script policy is bypassed in this browser only)."""
    page = chromium.new_context(viewport=DESKTOP, bypass_csp=True, java_script_enabled=True).new_page()
    page.goto(console["url"] + "/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Texts patients see")).to_be_visible()
    return page


def serious_violations(page: Page, name: str) -> List[Dict[str, Any]]:
    """axe-core (WCAG 2.0-2.2 A/AA and best practice) on the page; the serious and critical violations."""
    page.add_script_tag(path=str(ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"))
    results = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    found = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"axe-{name}.json").write_text(json.dumps(found, indent=2), encoding="utf-8")
    page.screenshot(path=str(RESULTS / f"{name}.jpg"), type="jpeg", quality=70)  # the staff guide's pictures
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_the_journey_edit_check_try_add_sign_off(chromium: Browser, console: Dict[str, Any]) -> None:
    edna = person(chromium, console, "edna")
    assert serious_violations(edna, "texts") == []
    edna.get_by_label("Search").fill("what is car")
    edna.get_by_role("button", name="Search").click()
    edna.get_by_role("link", name="What is CAR-T cell therapy?").click()
    assert serious_violations(edna, "edit") == []

    edna.get_by_label("Wording").fill(NEW_WORDING)
    edna.get_by_role("button", name="Preview and check").click()
    preview = edna.get_by_label("Preview", exact=True)
    expect(preview).to_contain_text("CAR-T is a treatment made from your own immune cells.")
    expect(preview).not_to_contain_text("{hotline_phone}")  # filled as patients get it
    expect(preview).to_contain_text("Awaiting clinical sign-off.")
    expect(edna.get_by_label("Content check findings")).to_contain_text("awaiting clinical sign-off")
    assert serious_violations(edna, "edit-preview") == []
    edna.get_by_role("button", name="Save").click()
    expect(edna.get_by_role("status")).to_contain_text("Saved.")
    assert console["workspace"].text(KEY).text == NEW_WORDING

    edna.get_by_role("link", name="Example questions").click()
    edna.get_by_label("Question", exact=True).fill(QUESTION)
    edna.get_by_role("button", name="Try it").click()
    expect(edna.get_by_role("table", name="Closest answers")).to_contain_text("87%")
    assert serious_violations(edna, "examples-try") == []
    edna.get_by_role("button", name="Add as an example of this answer").click()
    expect(edna.get_by_role("status")).to_contain_text("Example added.")
    assert QUESTION in (console["workspace"].nlu_dir / "cart.yml").read_text(encoding="utf-8")

    rita = person(chromium, console, "rita")
    rita.goto(console["url"] + f"/sign-off?key={KEY}")
    expect(rita.locator("ins").first).to_be_visible()
    assert serious_violations(rita, "sign-off") == []
    rita.get_by_role("button", name="Sign off this version").click()
    expect(rita.get_by_role("status")).to_contain_text("Signed off.")
    assert sign_off_status(console["workspace"].text(KEY).response) == APPROVED

    for path, name in (("/history", "history"), ("/publish", "publish"), ("/?view=review-due", "review-due")):
        rita.goto(console["url"] + path)
        assert serious_violations(rita, name) == [], name


def test_a_reviewer_cannot_sign_off_their_own_change(chromium: Browser, console: Dict[str, Any]) -> None:
    rob = person(chromium, console, "rob")
    rob.goto(console["url"] + "/edit?key=cart/car_meaning")
    rob.get_by_label("Wording").fill("CAR stands for chimeric antigen receptor. The T stands for T cells.")
    rob.get_by_role("button", name="Save").click()
    expect(rob.get_by_role("status")).to_contain_text("Saved.")
    rob.get_by_role("link", name="Sign-off").click()
    expect(rob.get_by_text("another clinical reviewer must sign it off")).to_be_visible()
    rob.get_by_role("button", name="Sign off this version").click()
    expect(rob.get_by_role("alert")).to_contain_text("you cannot sign it off")
    assert sign_off_status(console["workspace"].text("cart/car_meaning").response) != APPROVED


def test_the_sign_in_page_has_no_serious_violations(chromium: Browser, console: Dict[str, Any]) -> None:
    page = chromium.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    page.goto(console["url"] + "/sign-in")
    assert serious_violations(page, "sign-in") == []


def test_from_the_console_to_a_patient_on_the_real_servers(chromium: Browser, tmp_path: Path) -> None:
    """The real servers as ``make run`` starts them (serving publications, the staff route with its token): a
    question tried on the real model, the wording saved but not yet live, then signed off, published, and a
    patient gets it; the seconds from Publish to the patient's answer are printed."""
    url = f"sqlite:///{tmp_path / 'content.db'}"
    root = copy_content(tmp_path / "content")
    publications.publish(publications.snapshot(root), "make run", note="initial content at first start", url=url)
    for name, role in (("edna", "editor"), ("rita", "clinical reviewer")):
        accounts.save_account(name, role, PASSWORD, url)
    env = {"SERVED_CONTENT_DIR": str(tmp_path / "served"), "CONTENT_DATABASE_URL": url, "STAFF_API_TOKEN": TOKEN}
    with running_assistant(tmp_path / "servers", debug=False, extra_env=env) as assistant:
        rasa = f"http://127.0.0.1:{assistant.rasa_port}"
        if httpx.post(f"{rasa}/webhooks/staff/try", json={"text": "x"}, timeout=60).status_code == 404:
            pytest.skip("these servers have no staff route (POST /webhooks/staff/try): the serving branch adds it")
        for address in serve_console(root, url, rasa, TOKEN):
            console = {"url": address, "workspace": Workspace(root)}
            edna = person(chromium, console, "edna")
            edna.goto(f"{address}/edit?key={KEY}")
            edna.get_by_label("Wording").fill(f"{MARKER} {NEW_WORDING}")
            edna.get_by_role("button", name="Save").click()
            expect(edna.get_by_role("status")).to_contain_text("Saved.")
            assert MARKER not in reply(assistant, "patient-before")  # saved is not published

            edna.get_by_role("link", name="Example questions").click()
            edna.get_by_label("Question", exact=True).fill("what is car t cell therapy")
            edna.get_by_role("button", name="Try it").click()
            closest = edna.get_by_role("table", name="Closest answers")
            expect(closest).to_contain_text(KEY)
            expect(edna.get_by_text("Urgent help net: not triggered")).to_be_visible()
            edna.get_by_label("Question", exact=True).fill("I had car t and now I cannot breathe")
            edna.get_by_role("button", name="Try it").click()
            expect(edna.get_by_text("Urgent help net: triggered")).to_be_visible()
            edna.get_by_label("New example question").fill(NEW_EXAMPLE)
            edna.get_by_role("button", name="Add example").click()
            expect(edna.get_by_role("status")).to_contain_text("Example added.")
            assert NEW_EXAMPLE in (root / "data" / "nlu" / "cart.yml").read_text(encoding="utf-8")

            rita = person(chromium, console, "rita")
            rita.goto(f"{address}/sign-off?key={KEY}")
            rita.get_by_role("button", name="Sign off this version").click()
            expect(rita.get_by_role("status")).to_contain_text("Signed off.")
            rita.goto(f"{address}/publish")
            rita.get_by_role("button", name="Publish now").click()
            expect(rita.get_by_role("status")).to_contain_text("Published as publication 2")
            published = time.monotonic()
            asked = 0
            while MARKER not in reply(assistant, f"patient-{asked}"):
                asked += 1
                assert time.monotonic() - published < 15, "the published wording did not reach patients in 15 s"
                time.sleep(0.2)
            print(f"console publish to patient: {time.monotonic() - published:.2f} s")


def reply(assistant: Any, sender: str) -> str:
    """The reply to "What is CAR-T cell therapy?" asked as a new patient."""
    messages = assistant.say(f"{sender}-{uuid.uuid4().hex}", "What is CAR-T cell therapy?")
    return " ".join(str(m.get("text") or "") for m in messages)
