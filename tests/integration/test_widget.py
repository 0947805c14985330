"""Given the website widget in a real browser and the real assistant, the patient sees and can do this.

Covers web/widget/cart-chat.js end to end: the governed greeting and notice, answers with provenance,
suggested replies, the contact card, the urgent path, the Urgent help panel (by keyboard, with no server at
all), reload persistence (sessionStorage), keyboard-only use, reconnecting, deleting the conversation; safe
rendering of script payloads; and accessibility: axe-core in the page (no serious or critical violations),
no horizontal scrolling at 320 px and 200% zoom, reduced motion. The widget's words are looked for as
content/widget_texts.yml says them.
Screenshots (desktop and 375 px) and axe results are saved under results/widget/ for people to look at.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from typing import List

import pytest
from playwright.sync_api import Dialog, Page, WebSocketRoute, expect

from assistant.content.contacts import load_contacts
from assistant.content.web_texts import read_widget_texts
from tests.integration.widget_browser import (  # noqa: F401 (fixtures)
    ANSWER_TIMEOUT_MS,
    DESKTOP,
    PHONE,
    Chat,
    browser,
    demo_site,
    offline_site,
    page,
    run_axe,
    screenshot,
)

pytestmark = pytest.mark.integration

NHS_YELLOW = "rgb(255, 235, 59)"
XSS = "<img src=x onerror=alert(1)>"
BLOCKING = {"serious", "critical"}


def test_before_the_first_message_the_patient_is_told_what_this_is(page: Page):
    chat = Chat(page).open()
    texts = chat.texts
    notice = page.locator(".cc-notice")
    expect(notice).to_contain_text(texts["notice"].replace("**", ""))
    for promise in ("automated assistant, not a person", "not for emergencies", "cannot give personal medical advice"):
        expect(notice).to_contain_text(promise)
    expect(notice.get_by_role("link", name=texts["privacy_link"])).to_have_attribute(
        "href", page.url.rsplit("/", 1)[0] + "/privacy.html"
    )
    expect(chat.urgent).to_be_visible()
    expect(chat.panel.get_by_role("button", name=texts["person_button"])).to_be_visible()


def test_the_greeting_is_the_one_governed_greeting(page: Page):
    """One greeting, written once in content/widget_texts.yml: the embedding page cannot give another."""
    chat = Chat(page).open()
    greeting = read_widget_texts()["greeting"]
    assert "{" not in greeting and greeting == chat.texts["greeting"]
    expect(chat.bot_messages).to_have_count(1)
    expect(chat.bot_messages.first).to_have_text(f"{chat.texts['assistant_said']} {greeting}")
    assert page.locator("script[data-greeting], script[data-title]").count() == 0


def test_urgent_help_opens_every_route_by_keyboard_with_no_server_at_all(browser, offline_site):
    """No assistant, and not even the chat's connection library: "Urgent help" still opens the approved
    urgent routes inside the widget (999; the Hotline for the centre's own patients; anyone else their own
    team or NHS 111), each number a tap-to-call link. It is a disclosure a keyboard and a screen reader can use."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/vendor/socket.io.min.js", lambda route: route.abort())
    page.goto(offline_site.url + "/index.html")
    chat = Chat(page, offline_site.texts)
    texts = chat.texts
    for _ in range(40):
        page.keyboard.press("Tab")
        if chat.focused().get("text") == texts["title"]:
            break
    else:
        pytest.fail("the chat launcher cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(chat.status).to_have_text(texts["status_could_not_start"])  # the chat itself cannot start
    for _ in range(10):  # back from the question box to Urgent help
        page.keyboard.press("Shift+Tab")
        if chat.focused().get("text") == texts["urgent_button"]:
            break
    else:
        pytest.fail("Urgent help cannot be reached with the keyboard")
    expect(chat.urgent).to_have_attribute("aria-controls", "cc-urgent-panel")
    expect(chat.urgent).to_have_attribute("aria-expanded", "false")
    expect(chat.urgent_panel).to_be_hidden()

    page.keyboard.press("Enter")
    expect(chat.urgent).to_have_attribute("aria-expanded", "true")
    expect(chat.urgent_panel).to_be_visible()
    expect(chat.urgent_panel).to_have_text(re.sub(r"\*\*", "", texts["urgent_panel"]), use_inner_text=True)
    contacts = load_contacts()
    for key in ("emergency", "hotline", "nhs111"):
        contact = contacts.shown(key)
        expect(chat.urgent_panel.locator(f'a[href="{contact.tel_link}"]')).to_have_text(contact.phone)
    expect(chat.urgent_panel).to_contain_text(contacts.shown("hotline").name)
    expect(chat.urgent_panel).to_contain_text(contacts.shown("nhs111").name)
    screenshot(page, "desktop-urgent-panel")
    assert not blocking(run_axe(page, "urgent-panel-open"))
    chat.urgent.focus()

    page.keyboard.press("Escape")  # closes the panel first, and keeps the chat open
    expect(chat.urgent_panel).to_be_hidden()
    expect(chat.urgent).to_have_attribute("aria-expanded", "false")
    expect(chat.panel).to_be_visible()
    assert chat.focused().get("text") == texts["urgent_button"]
    page.keyboard.press("Space")
    expect(chat.urgent_panel).to_be_visible()
    assert errors == []
    context.close()


def test_a_question_gets_its_answer_with_its_source_and_review_status(page: Page):
    chat = Chat(page).open()
    answer = chat.ask("what is car t cell therapy")
    expect(answer).to_have_attribute("data-answer-id", "cart/what_is")
    expect(answer).to_contain_text("immunotherapy")
    provenance = answer.locator(".cc-provenance")
    texts = chat.texts
    expect(provenance).to_contain_text(texts["source_line"].split("{")[0])  # each source by its title and publisher
    expect(provenance).to_contain_text("(NHS England)")
    expect(provenance).to_contain_text(texts["checked_line"].split("{")[0])
    expect(provenance).to_contain_text(texts["awaiting_sign_off"])
    expect(provenance.get_by_role("link").first).to_have_attribute("rel", "noopener noreferrer")
    expect(chat.user_messages.last).to_have_text(f"{texts['you_said']} what is car t cell therapy")
    expect(page.locator(".cc-typing")).to_be_hidden()  # the typing indicator goes when the answer comes
    assert not page.errors  # type: ignore[attr-defined]


def test_suggested_replies_send_their_question_and_then_go_away(page: Page):
    chat = Chat(page).open()
    chat.ask("hello")
    before = chat.bot_messages.count()
    chat.reply_button("What is JACIE?").click()
    answer = chat.next_answer(before)
    expect(answer).to_have_attribute("data-answer-id", "jacie/what_is")
    expect(chat.user_messages.last).to_contain_text("What is JACIE?")
    expect(chat.reply_button("How referral works")).to_have_count(0)  # the greeting's replies are gone
    expect(chat.input).to_be_focused()


def test_talk_to_a_person_shows_a_contact_card_with_a_way_to_reach_them(page: Page):
    """The card gives a phone link, or the team's web page while its number is not confirmed."""
    chat = Chat(page).open()
    chat.ask("what is car t cell therapy")
    before = chat.bot_messages.count()
    chat.panel.get_by_role("button", name=chat.texts["person_button"]).click()
    chat.next_answer(before)
    card = chat.log.get_by_role("group", name=chat.texts["contact_card_label"]).last
    expect(card).to_be_visible()
    route = card.locator("a[href^='tel:'], a[href^='https:']").first
    expect(route).to_be_visible()
    href = route.get_attribute("href") or ""
    assert href.replace("tel:", "").isdigit() or href.startswith("https://www.clatterbridgecc.nhs.uk/")
    screenshot(page, "desktop-contact-card")


def test_an_urgent_symptom_gets_urgent_help_first_with_a_tappable_hotline(page: Page, hotline):
    chat = Chat(page).open()
    answer = chat.ask("my husband is shivering and his temp is 38.6")
    expect(answer).to_have_attribute("data-answer-id", "urgent_help")
    expect(answer).to_have_class("cc-msg cc-msg--bot cc-msg--urgent")
    expect(answer).to_contain_text(hotline.phone)
    expect(answer.get_by_role("link", name=hotline.phone)).to_have_attribute("href", hotline.tel_link)


def test_the_conversation_survives_a_reload_in_the_same_tab_only(page: Page, assistant):
    chat = Chat(page).open()
    chat.ask("what is car t cell therapy")
    secret = page.evaluate("() => sessionStorage.getItem('cartChat.secret')")
    assert secret and len(secret) == 43  # 32 random bytes, base64url
    assert page.evaluate("() => localStorage.length") == 0  # nothing outlives the tab

    page.reload()
    chat = Chat(page)
    expect(chat.panel).to_be_visible()  # still open
    expect(chat.log).to_contain_text("immunotherapy")  # the conversation so far
    chat.wait_until_connected()
    answer = chat.ask("what is JACIE")
    expect(answer).to_have_attribute("data-answer-id", "jacie/what_is")
    assert page.evaluate("() => sessionStorage.getItem('cartChat.secret')") == secret

    # The widget sends only SHA-256(secret) (the agreed interface with the erasure endpoint), and the server
    # stores the conversation under its keyed hash of that, never the value itself.
    session_id = hashlib.sha256(secret.encode()).hexdigest()
    with sqlite3.connect(assistant.db) as db:
        count = "SELECT COUNT(*) FROM events WHERE sender_id = ? AND type_name = 'user'"
        assert db.execute(count, (assistant.stored_id(session_id),)).fetchone()[0] == 2
        assert db.execute(count, (session_id,)).fetchone()[0] == 0

    browser = page.context.browser
    assert browser is not None
    other_tab = browser.new_context().new_page()
    other_tab.goto(page.url)
    assert other_tab.evaluate("() => sessionStorage.getItem('cartChat.secret')") != secret
    other_tab.context.close()


def rating_rows_so_far(db_path) -> int:
    """The last rating's row id before a test rates (0 when the table is not made yet)."""
    with sqlite3.connect(db_path) as db:
        try:
            return int(db.execute("SELECT coalesce(max(id), 0) FROM answer_ratings").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


def test_a_patient_rates_an_answer_no_with_a_reason_by_keyboard_and_it_is_kept_without_the_conversation(
    page: Page, assistant
):
    earlier = rating_rows_so_far(assistant.db)  # the assistant is shared: other tests may have rated answers
    chat = Chat(page).open()
    answer = chat.ask("what is car t cell therapy")
    expect(answer).to_have_attribute("data-answer-id", "cart/what_is")
    rating = answer.get_by_role("group", name=chat.texts["feedback_question"])
    rating.get_by_role("button", name=chat.texts["feedback_no"], exact=True).focus()
    page.keyboard.press("Enter")
    why = answer.get_by_role("group", name=chat.texts["feedback_reason_question"])
    first_reason = why.get_by_role("button", name=chat.texts["feedback_reason_hard_to_understand"])
    expect(first_reason).to_be_focused()  # focus moves to the optional reasons
    page.keyboard.press("Enter")
    expect(rating.get_by_role("status")).to_have_text(chat.texts["feedback_thanks"])
    expect(rating.get_by_role("button")).to_have_count(0)  # one rating per answer
    expect(chat.bot_messages).to_have_count(2)  # the greeting and the answer: the server's thanks is not shown

    with sqlite3.connect(assistant.db) as db:
        rows: List[tuple] = []
        for _ in range(50):  # the two ratings are written as they arrive (the table with the first)
            try:
                rows = db.execute(
                    "SELECT answer_id, version, helpful, reason FROM answer_ratings WHERE id > ? ORDER BY id",
                    (earlier,),
                ).fetchall()
            except sqlite3.OperationalError:
                rows = []
            if len(rows) == 2:
                break
            page.wait_for_timeout(100)
        events = db.execute("SELECT data FROM events").fetchall()
    version = rows[0][1]
    assert rows == [("cart/what_is", version, 0, None), ("cart/what_is", version, None, "hard_to_understand")]
    assert version.startswith("sha256:")
    assert not any("/feedback" in data for (data,) in events)  # not part of the conversation

    page.reload()  # after a reload the answer shows the thanks, and asks no more
    rating = Chat(page).bot_messages.last.get_by_role("group", name=chat.texts["feedback_question"])
    expect(rating.get_by_role("status")).to_have_text(chat.texts["feedback_thanks"])
    expect(rating.get_by_role("button")).to_have_count(0)


def test_a_patient_can_chat_with_the_keyboard_only(page: Page):
    chat = Chat(page)
    for _ in range(40):  # Tab through the page until the chat launcher has focus
        page.keyboard.press("Tab")
        if chat.focused().get("text") == chat.texts["title"]:
            break
    else:
        pytest.fail("the chat launcher cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(chat.input).to_be_focused()  # opening moves focus to the question box
    chat.wait_until_connected()

    before = chat.bot_messages.count()
    page.keyboard.type("what is car t cell therapy")
    page.keyboard.press("Enter")
    expect(chat.bot_messages.nth(before)).to_have_attribute("data-answer-id", "cart/what_is", timeout=ANSWER_TIMEOUT_MS)
    expect(chat.input).to_be_focused()

    # Shift+Tab backwards from the question box reaches the suggested replies; Enter sends one.
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if chat.focused().get("text") == "How does it work?":
            break
    else:
        pytest.fail("the suggested replies cannot be reached with Shift+Tab")
    focused = chat.focused()
    assert focused["background"] == NHS_YELLOW, focused  # the NHS.UK focus style is visible
    before = chat.bot_messages.count()
    page.keyboard.press("Enter")
    expect(chat.bot_messages.nth(before)).to_have_attribute(
        "data-answer-id", "cart/how_it_works", timeout=ANSWER_TIMEOUT_MS
    )

    page.keyboard.press("Escape")  # closing returns focus to where the patient started
    expect(chat.panel).to_be_hidden()
    assert chat.focused().get("text") == chat.texts["title"]


class FlakyNetwork:
    """Lets the test cut the widget's connection to the assistant and restore it."""

    def __init__(self, page: Page) -> None:
        self.up = threading.Event()
        self.up.set()
        self.sockets: list = []
        page.route_web_socket("**/socket.io/**", self._websocket)
        page.route("**/socket.io/**", self._http)

    def _websocket(self, ws: WebSocketRoute) -> None:
        if not self.up.is_set():
            ws.close()
            return
        ws.connect_to_server()
        self.sockets.append(ws)

    def _http(self, route) -> None:
        if self.up.is_set():
            route.continue_()
        else:
            route.abort("connectionrefused")

    def drop(self) -> None:
        self.up.clear()
        for ws in self.sockets:
            ws.close()
        self.sockets.clear()

    def restore(self) -> None:
        self.up.set()


def test_a_dropped_connection_shows_reconnecting_and_sends_the_message_when_back(browser, demo_site):
    context = browser.new_context()
    page = context.new_page()
    network = FlakyNetwork(page)
    page.goto(demo_site.url + "/index.html")
    chat = Chat(page).open()

    network.drop()
    expect(chat.status).to_have_text(chat.texts["status_reconnecting"])
    before = chat.bot_messages.count()
    chat.input.fill("what is car t cell therapy")
    chat.input.press("Enter")
    expect(chat.user_messages.last).to_contain_text(chat.texts["waiting_to_send"])
    page.wait_for_timeout(2000)
    assert chat.bot_messages.count() == before  # nothing can arrive while the connection is down

    network.restore()
    expect(chat.bot_messages.nth(before)).to_have_attribute("data-answer-id", "cart/what_is", timeout=ANSWER_TIMEOUT_MS)
    expect(chat.status).to_be_empty()
    expect(chat.user_messages.last).not_to_contain_text(chat.texts["waiting_to_send"])
    context.close()


def test_delete_my_conversation_asks_first_then_erases_it_on_the_server(page: Page, assistant):
    chat = Chat(page).open()
    chat.ask("what is car t cell therapy")
    secret = page.evaluate("() => sessionStorage.getItem('cartChat.secret')")
    session_id = hashlib.sha256(secret.encode()).hexdigest()
    assert stored_events(assistant, session_id) > 0

    texts = chat.texts
    erase_button = chat.panel.get_by_role("button", name=texts["erase_button"])
    erase_button.click()
    confirm = chat.panel.get_by_role("group", name=texts["erase_question"])
    expect(confirm).to_be_visible()
    confirm.get_by_role("button", name=texts["erase_cancel"]).click()
    expect(erase_button).to_be_focused()
    expect(chat.log).to_contain_text("immunotherapy")

    erase_button.click()
    with page.expect_response("**/webhooks/rest/erase") as erase:
        confirm.get_by_role("button", name=texts["erase_yes"]).click()
    assert erase.value.request.post_data_json == {"session_secret": secret}
    assert erase.value.status == 200
    expect(chat.status).to_have_text(texts["erase_done"])
    expect(chat.log).not_to_contain_text("immunotherapy")
    assert stored_events(assistant, session_id) == 0, "the conversation must be gone from the tracker store"
    assert page.evaluate("() => sessionStorage.getItem('cartChat.secret')") != secret
    assert chat.ask("what is JACIE").get_attribute("data-answer-id") == "jacie/what_is"


def stored_events(assistant, session_id: str) -> int:
    """Events stored for the conversation the widget names by ``session_id`` (under the server's keyed hash)."""
    with sqlite3.connect(assistant.db) as db:
        query = "SELECT COUNT(*) FROM events WHERE sender_id = ?"
        return db.execute(query, (assistant.stored_id(session_id),)).fetchone()[0]


# --- safe rendering and accessibility ---------------------------------------------------------


def blocking(violations):
    return [
        (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]])
        for v in violations
        if v["impact"] in BLOCKING
    ]


def show_from_top(message) -> None:
    message.evaluate(
        "m => { const s = m.closest('.cc-scroll'); s.style.scrollBehavior = 'auto';"
        " s.scrollTop += m.getBoundingClientRect().top - s.getBoundingClientRect().top - 8; }"
    )


def a_conversation(chat: Chat) -> None:
    """A conversation with every kind of message: greeting replies, an answer, urgent help, a contact card."""
    chat.ask("what is car t cell therapy")
    chat.ask("i have a temperature of 38.5")
    chat.ask("i want to speak to a nurse")


def test_axe_finds_no_serious_or_critical_problems_with_a_full_conversation_on_desktop(page: Page):
    chat = Chat(page)
    assert not blocking(run_axe(page, "demo-page-closed"))
    screenshot(page, "desktop-demo-page")
    chat.open()
    a_conversation(chat)
    assert not blocking(run_axe(page, "desktop-conversation"))
    show_from_top(chat.log.locator(".cc-msg--urgent"))
    screenshot(page, "desktop-urgent")
    chat.scroll_to_end()
    screenshot(page, "desktop-conversation")


def test_on_a_375px_phone_it_fills_the_screen_and_passes_axe(browser, demo_site):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(demo_site.url + "/index.html")
    screenshot(page, "375-demo-page")
    chat = Chat(page).open()
    screenshot(page, "375-notice")
    a_conversation(chat)
    assert not blocking(run_axe(page, "375-conversation"))
    box = chat.panel.bounding_box()
    assert box is not None and box["width"] == PHONE["width"] and box["height"] == PHONE["height"]
    chat.scroll_to_end()
    screenshot(page, "375-conversation")
    show_from_top(chat.log.locator(".cc-msg--urgent"))
    screenshot(page, "375-urgent")
    context.close()


@pytest.mark.parametrize(
    "viewport", [{"width": 320, "height": 640}, {"width": 640, "height": 400}], ids=["320px", "200pc-zoom-of-1280x800"]
)
def test_no_horizontal_scrolling_at_320px_or_at_200_percent_zoom(browser, demo_site, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(demo_site.url + "/index.html")
    chat = Chat(page).open()
    chat.ask("who do i contact about a referral, i want to talk to someone")
    widths = page.evaluate(
        """() => {
            const root = document.querySelector('#cart-chat').shadowRoot;
            const overflowing = [...root.querySelectorAll('.cc-panel *')]
                .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
                .map(el => el.className || el.tagName);
            return {page: document.documentElement.scrollWidth, window: window.innerWidth,
                    scroller: root.querySelector('.cc-scroll').scrollWidth,
                    scrollerClient: root.querySelector('.cc-scroll').clientWidth, overflowing};
        }"""
    )
    assert widths["page"] <= widths["window"], widths
    assert widths["scroller"] <= widths["scrollerClient"], widths
    assert not widths["overflowing"], widths
    expect(chat.input).to_be_in_viewport()
    context.close()


def note_and_dismiss(dialogs: List[str], dialog: Dialog) -> None:
    """A dialog (alert, confirm) the page opened: noted, then dismissed so the test goes on."""
    dialogs.append(dialog.message)
    dialog.dismiss()


def test_a_typed_script_payload_shows_as_text(page: Page):
    dialogs: List[str] = []
    page.on("dialog", lambda dialog: note_and_dismiss(dialogs, dialog))
    chat = Chat(page).open()
    chat.ask(XSS)
    expect(chat.user_messages.last).to_have_text(f"{chat.texts['you_said']} {XSS}")
    assert page.locator("#cart-chat img").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []


def test_bot_text_is_text_with_only_bold_breaks_and_safe_links(browser, demo_site):
    """Whatever a bot message contains, only the allow-listed markdown becomes markup.

    The message is restored from the tab's sessionStorage: the same rendering as live messages.
    """
    hostile = {
        "text": "**Bold** <img src=x onerror=alert(1)>\nline two\n\n[click](javascript:alert(1)) "
        "[data](data:text/html,hi) [ok](https://www.nhs.uk/) see https://www.clatterbridgecc.nhs.uk/. "
        "<script>alert(2)</script> call 0800 000 0001",
        "quick_replies": [{"title": "<b>x</b>", "payload": "javascript:alert(3)"}],
        "custom": {
            "type": "contact_card",
            "contacts": [
                {
                    "name": "<i>Team</i>",
                    "phone": "1",
                    "tel": "javascript:alert(4)",
                    "email": "a@b.c",
                    "mailto": "mailto:a@b.c",
                    "url": "http://plain.example",
                    "hours": "24/7",
                    "confirmed": False,
                }
            ],
        },
        "metadata": {
            "answer_id": "x/y",
            "source": "javascript:alert(5) ; https://www.nhs.uk/",
            "checked": "2026-11-26",
        },
    }
    transcript = json.dumps([{"who": "user", "text": "hi"}, {"who": "bot", "message": hostile}])
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(
        f"sessionStorage.setItem('cartChat.transcript', {json.dumps(transcript)});"
        "sessionStorage.setItem('cartChat.open', 'true');"
    )
    page = context.new_page()
    dialogs: List[str] = []
    page.on("dialog", lambda dialog: note_and_dismiss(dialogs, dialog))
    page.goto(demo_site.url + "/index.html")
    message = Chat(page).log.locator(".cc-msg--bot").last
    expect(message).to_contain_text("<img src=x onerror=alert(1)>")
    expect(message).to_contain_text("<script>alert(2)</script>")
    assert message.locator("img, script, i, b").count() == 0
    assert message.locator("strong").first.inner_text() == "Bold"
    assert message.locator("br").count() == 1 and message.locator("p.cc-text").count() == 2
    hrefs = message.locator("a").evaluate_all("links => links.map(a => [a.getAttribute('href'), a.target, a.rel])")
    assert all(h[0].startswith(("https:", "tel:", "mailto:")) for h in hrefs), hrefs
    assert ["https://www.nhs.uk/", "_blank", "noopener noreferrer"] in hrefs
    assert ["https://www.clatterbridgecc.nhs.uk/", "_blank", "noopener noreferrer"] in hrefs  # the full stop stays text
    assert ["tel:08000000001", "", ""] in hrefs  # a number in the text becomes a link
    expect(message).to_contain_text("click")  # an unsafe link keeps its words, loses its target
    assert page.locator("#cart-chat a[href^='javascript:'], #cart-chat a[href^='data:']").count() == 0
    assert message.locator("a[href^='http:']").count() == 0  # only https for bot links
    assert dialogs == []
    context.close()


def test_reduced_motion_stops_the_typing_animation(browser, demo_site):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(demo_site.url + "/index.html")
    Chat(page).open()
    animation = page.evaluate(
        """() => getComputedStyle(document.querySelector('#cart-chat').shadowRoot
                 .querySelector('.cc-typing__dots span')).animationName"""
    )
    assert animation == "none"
    context.close()
