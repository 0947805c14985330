"""Given the website widget in a real browser and the real assistant, the patient sees and can do this.

Covers web/widget/cart-chat.js end to end: answers with provenance, suggested replies, the contact
card, the urgent path, reload persistence (sessionStorage), keyboard-only use, reconnecting, and
deleting the conversation.
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from assistant.contacts import load_contacts
from tests.integration.widget_browser import (  # noqa: F401 (fixtures)
    ANSWER_TIMEOUT_MS, Chat, browser, demo_site, page, screenshot,
)

pytestmark = pytest.mark.integration

HOTLINE = load_contacts()["hotline"]
NHS_YELLOW = "rgb(255, 235, 59)"


def test_before_the_first_message_the_patient_is_told_what_this_is(page: Page):
    chat = Chat(page).open()
    notice = page.locator(".cc-notice")
    expect(notice).to_contain_text("automated assistant, not a person")
    expect(notice).to_contain_text("not for emergencies")
    expect(notice).to_contain_text("cannot give personal medical advice")
    expect(notice.get_by_role("link", name="How we handle your messages")).to_have_attribute(
        "href", page.url.rsplit("/", 1)[0] + "/privacy.html")
    expect(chat.panel.get_by_role("link", name="Urgent help")).to_be_visible()
    expect(chat.panel.get_by_role("button", name="Talk to a person")).to_be_visible()
    expect(chat.bot_messages.first).to_contain_text("general questions about CAR-T")  # the configured greeting


def test_a_question_gets_its_answer_with_its_source_and_review_status(page: Page):
    chat = Chat(page).open()
    answer = chat.ask("what is car t cell therapy")
    expect(answer).to_have_attribute("data-answer-id", "cart/what_is")
    expect(answer).to_contain_text("immunotherapy")
    provenance = answer.locator(".cc-provenance")
    expect(provenance).to_contain_text("Source: england.nhs.uk")
    expect(provenance).to_contain_text("Checked ")
    expect(provenance).to_contain_text("Awaiting clinical sign-off")
    expect(provenance.get_by_role("link").first).to_have_attribute("rel", "noopener noreferrer")
    expect(chat.user_messages.last).to_have_text("You said: what is car t cell therapy")
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


def test_talk_to_a_person_shows_a_contact_card_with_phone_links(page: Page):
    chat = Chat(page).open()
    chat.ask("what is car t cell therapy")
    before = chat.bot_messages.count()
    chat.panel.get_by_role("button", name="Talk to a person").click()
    chat.next_answer(before)
    card = chat.log.get_by_role("group", name="Contact details").last
    expect(card).to_be_visible()
    phones = card.locator("a[href^='tel:']")
    expect(phones.first).to_be_visible()
    assert phones.first.get_attribute("href").replace("tel:", "").isdigit()
    screenshot(page, "desktop-contact-card")


def test_an_urgent_symptom_gets_urgent_help_first_with_a_tappable_hotline(page: Page):
    chat = Chat(page).open()
    answer = chat.ask("my husband is shivering and his temp is 38.6")
    expect(answer).to_have_attribute("data-answer-id", "urgent_help")
    expect(answer).to_have_class("cc-msg cc-msg--bot cc-msg--urgent")
    expect(answer).to_contain_text(HOTLINE.phone)
    expect(answer.get_by_role("link", name=HOTLINE.phone)).to_have_attribute("href", HOTLINE.tel_link)


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

    # The server knows the session only as SHA-256(secret): the agreed interface with the erasure endpoint.
    session_id = hashlib.sha256(secret.encode()).hexdigest()
    with sqlite3.connect(assistant.workdir / "tracker.db") as db:
        turns = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ? AND type_name = 'user'", (session_id,))
        assert turns.fetchone()[0] == 2

    other_tab = page.context.browser.new_context().new_page()
    other_tab.goto(page.url)
    assert other_tab.evaluate("() => sessionStorage.getItem('cartChat.secret')") != secret
    other_tab.context.close()


def test_a_patient_can_chat_with_the_keyboard_only(page: Page):
    chat = Chat(page)
    for _ in range(40):  # Tab through the page until the chat launcher has focus
        page.keyboard.press("Tab")
        if chat.focused().get("text") == "Ask about CAR-T":
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
    expect(chat.bot_messages.nth(before)).to_have_attribute("data-answer-id", "cart/how_it_works", timeout=ANSWER_TIMEOUT_MS)

    page.keyboard.press("Escape")  # closing returns focus to where the patient started
    expect(chat.panel).to_be_hidden()
    assert chat.focused().get("text") == "Ask about CAR-T"


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
    expect(chat.status).to_contain_text("Reconnecting")
    before = chat.bot_messages.count()
    chat.input.fill("what is car t cell therapy")
    chat.input.press("Enter")
    expect(chat.user_messages.last).to_contain_text("Waiting to send")
    page.wait_for_timeout(2000)
    assert chat.bot_messages.count() == before  # nothing can arrive while the connection is down

    network.restore()
    expect(chat.bot_messages.nth(before)).to_have_attribute("data-answer-id", "cart/what_is", timeout=ANSWER_TIMEOUT_MS)
    expect(chat.status).to_be_empty()
    expect(chat.user_messages.last).not_to_contain_text("Waiting to send")
    context.close()


def test_delete_my_conversation_asks_first_then_erases_it_on_the_server(page: Page):
    chat = Chat(page).open()
    chat.ask("what is car t cell therapy")
    secret = page.evaluate("() => sessionStorage.getItem('cartChat.secret')")

    chat.panel.get_by_role("button", name="Delete my conversation").click()
    confirm = chat.panel.get_by_role("group", name="Delete this conversation")
    expect(confirm).to_be_visible()
    confirm.get_by_role("button", name="Cancel").click()
    expect(chat.panel.get_by_role("button", name="Delete my conversation")).to_be_focused()
    expect(chat.log).to_contain_text("immunotherapy")

    chat.panel.get_by_role("button", name="Delete my conversation").click()
    with page.expect_response("**/webhooks/rest/erase") as erase:
        confirm.get_by_role("button", name="Yes, delete it").click()
    assert erase.value.request.post_data_json == {"session_secret": secret}
    # Until the privacy work (#7) adds POST /webhooks/rest/erase, this branch's server answers 404.
    assert erase.value.status in (200, 404)
    if erase.value.status == 200:
        expect(chat.status).to_have_text("Your conversation has been deleted.")
        expect(chat.log).not_to_contain_text("immunotherapy")
        assert page.evaluate("() => sessionStorage.getItem('cartChat.secret')") != secret
        assert chat.ask("what is JACIE").get_attribute("data-answer-id") == "jacie/what_is"
    else:
        expect(chat.status).to_contain_text("could not delete your conversation")
        expect(chat.log).to_contain_text("immunotherapy")  # nothing is lost silently
        assert page.evaluate("() => sessionStorage.getItem('cartChat.secret')") == secret
