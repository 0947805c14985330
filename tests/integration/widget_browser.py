"""A real browser on the widget's demo page, talking to the real running assistant.

Why: the widget's promises (safe rendering, keyboard use, live announcements, reconnecting, reload
persistence) only exist in a browser. Debian's Chromium is driven by Playwright for Python (no browser
download: ``scripts/test.sh`` installs the ``chromium`` package). The demo page is built the way ``make web``
builds it (its texts rendered by ``python -m assistant.content.web_texts``, then ``web/build.mjs``) into a
temporary folder pointing at the test assistant, and served on the one origin that assistant allows (CORS).
The widget's words the tests look for are the governed ones (``content/widget_texts.yml``), as rendered.
Screenshots and axe results go to ``results/widget/``.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect, sync_playwright

from assistant.content import ROOT
from assistant.server.processes import free_port
from assistant.settings import settings
from testkit.servers import AssistantUnderTest as RunningAssistant

WEB = ROOT / "web"
RESULTS = ROOT / "results" / "widget"
CHROMIUM = settings().get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 375, "height": 740}
ANSWER_TIMEOUT_MS = 30_000


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:  # keep the test output readable
        pass


@dataclass
class DemoSite:
    """The built demo page, served on the assistant's allowed origin."""

    url: str
    root: Path
    texts: Dict[str, str]  # the widget's texts as built into it (content/widget_texts.yml, rendered)


def build_site(root: Path, chat_server: str) -> Dict[str, str]:
    """``make web`` into ``root``: the texts rendered by the assistant's code, then the build; the widget's texts."""
    if not (WEB / "node_modules").exists():
        pytest.fail("web/node_modules is missing: run scripts/web.sh (make test does)")
    texts = root / "texts.json"
    subprocess.run(
        [sys.executable, "-m", "assistant.content.web_texts", str(texts), "--chat-server", chat_server],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    subprocess.run(
        ["node", str(WEB / "build.mjs")],
        check=True,
        cwd=WEB,
        capture_output=True,
        env=settings().server_environment({"WEB_DIST": str(root / "site"), "WEB_TEXTS": str(texts)}),
    )
    return json.loads(texts.read_text(encoding="utf-8"))["widget"]["texts"]


@contextmanager
def serving(root: Path, port: int) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def demo_site(assistant: RunningAssistant, tmp_path_factory) -> Iterator[DemoSite]:
    root = tmp_path_factory.mktemp("web")
    texts = build_site(root, f"http://127.0.0.1:{assistant.rasa_port}")
    with serving(root / "site", assistant.web_port):
        yield DemoSite(assistant.web_origin, root / "site", texts)


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory) -> Iterator[DemoSite]:
    """The demo page with no assistant anywhere: its widget points at a port nobody listens on."""
    root = tmp_path_factory.mktemp("offline-web")
    texts = build_site(root, f"http://127.0.0.1:{free_port()}")
    with serving(root / "site", free_port()) as url:
        yield DemoSite(url, root / "site", texts)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (scripts/test.sh does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, demo_site: DemoSite) -> Iterator[Page]:
    """A fresh browser tab (its own sessionStorage) on the demo page, desktop size."""
    context = browser.new_context(viewport=DESKTOP)
    tab = context.new_page()
    errors: List[str] = []
    tab.errors = errors  # type: ignore[attr-defined]
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(demo_site.url + "/index.html")
    yield tab
    context.close()


@functools.lru_cache(maxsize=1)
def governed_texts() -> Dict[str, str]:
    """The widget's texts, rendered from content/widget_texts.yml as its build renders them."""
    from assistant.content.contacts import load_contacts
    from assistant.content.system_messages import load_system_messages
    from assistant.content.web_texts import (
        read_widget_texts,
        render_widget_texts,
        setting_values_for_texts,
        text_values,
    )

    return render_widget_texts(
        read_widget_texts(), text_values(load_contacts(), load_system_messages(), setting_values_for_texts())
    )


class Chat:
    """What a patient can see and do in the widget, in the words they would use (the governed ones)."""

    def __init__(self, page: Page, texts: Dict[str, str] | None = None) -> None:
        self.page = page
        self.texts = texts or governed_texts()
        self.launcher = page.get_by_role("button", name=self.texts["title"])
        self.panel = page.get_by_role("region", name=self.texts["title"])
        self.log = page.get_by_role("log", name=self.texts["log_label"])
        self.input = page.get_by_label(self.texts["input_label"])
        self.status = page.locator(".cc-status")
        self.urgent = self.panel.get_by_role("button", name=self.texts["urgent_button"])
        self.urgent_panel = page.locator("#cc-urgent-panel")

    def open(self) -> "Chat":
        self.launcher.click()
        expect(self.panel).to_be_visible()
        self.wait_until_connected()
        return self

    def wait_until_connected(self) -> None:
        expect(self.status).to_be_empty(timeout=ANSWER_TIMEOUT_MS)

    @property
    def bot_messages(self) -> Locator:
        return self.log.locator(".cc-msg--bot")

    @property
    def user_messages(self) -> Locator:
        return self.log.locator(".cc-msg--user")

    def ask(self, question: str) -> Locator:
        """Types a question, sends it with Enter, and returns the first bot message that answers it."""
        before = self.bot_messages.count()
        self.input.fill(question)
        self.input.press("Enter")
        return self.next_answer(before)

    def next_answer(self, before: int) -> Locator:
        answer = self.bot_messages.nth(before)
        expect(answer).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        self.page.wait_for_timeout(1000)  # the rest of the turn (notes, contact card) follows at once
        return answer

    def scroll_to_end(self) -> None:
        self.page.evaluate(
            "() => { const s = document.querySelector('#cart-chat').shadowRoot.querySelector('.cc-scroll');"
            " s.style.scrollBehavior = 'auto'; s.scrollTop = s.scrollHeight; }"
        )

    def reply_button(self, title: str) -> Locator:
        return self.log.get_by_role("button", name=title, exact=True)

    def focused(self) -> Dict[str, str]:
        """The element with keyboard focus, looking inside the widget's shadow root."""
        return self.page.evaluate(
            """() => {
                let el = document.activeElement;
                while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
                if (!el) return {};
                const style = getComputedStyle(el);
                return {tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || '').trim(),
                        label: el.getAttribute('aria-label') || (el.labels && el.labels[0] ? el.labels[0].innerText : ''),
                        cls: el.className || '', background: style.backgroundColor, boxShadow: style.boxShadow};
            }"""
        )


def run_axe(page: Page, name: str) -> List[Dict[str, Any]]:
    """Runs axe-core (WCAG 2.0-2.2 A/AA and best practice) in the page; saves the results; returns violations."""
    page.add_script_tag(path=str(WEB / "node_modules" / "axe-core" / "axe.min.js"))
    results = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary = {
        "url": results["url"],
        "passes": len(results["passes"]),
        "incomplete": [{"id": r["id"], "impact": r["impact"], "nodes": len(r["nodes"])} for r in results["incomplete"]],
        "violations": [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in results["violations"]
        ],
    }
    (RESULTS / f"axe-{name}.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return results["violations"]


def screenshot(page: Page, name: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
