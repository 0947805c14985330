"""The widget is safe to render and accessible: checked in a real browser with axe-core.

Screenshots (desktop and 375 px) and axe results are saved under results/widget/ for people to look at.
"""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.integration.widget_browser import (  # noqa: F401 (fixtures)
    DESKTOP, PHONE, Chat, browser, demo_site, page, run_axe, screenshot,
)

pytestmark = pytest.mark.integration

XSS = "<img src=x onerror=alert(1)>"
BLOCKING = {"serious", "critical"}


def blocking(violations):
    return [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]]) for v in violations
            if v["impact"] in BLOCKING]


def a_conversation(chat: Chat) -> None:
    """A conversation with every kind of message: greeting replies, an answer, urgent help, a contact card."""
    chat.ask("what is car t cell therapy")
    chat.ask("i have a temperature of 38.5")
    chat.ask("i want to speak to a nurse")


def test_axe_finds_no_serious_or_critical_problems_with_a_full_conversation_on_desktop(page: Page):
    chat = Chat(page)
    assert not blocking(run_axe(page, "demo-page-closed"))
    chat.open()
    a_conversation(chat)
    assert not blocking(run_axe(page, "desktop-conversation"))
    chat.log.locator(".cc-msg--urgent").scroll_into_view_if_needed()
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
    assert box["width"] == PHONE["width"] and box["height"] == PHONE["height"]
    chat.scroll_to_end()
    screenshot(page, "375-conversation")
    context.close()


@pytest.mark.parametrize("viewport", [{"width": 320, "height": 640}, {"width": 640, "height": 400}],
                         ids=["320px", "200pc-zoom-of-1280x800"])
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


def test_a_typed_script_payload_shows_as_text(page: Page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    chat = Chat(page).open()
    chat.ask(XSS)
    expect(chat.user_messages.last).to_have_text("You said: " + XSS)
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
                "<script>alert(2)</script> call 0800 169 5555",
        "quick_replies": [{"title": "<b>x</b>", "payload": "javascript:alert(3)"}],
        "custom": {"type": "contact_card", "contacts": [
            {"name": "<i>Team</i>", "phone": "1", "tel": "javascript:alert(4)", "email": "a@b.c",
             "mailto": "mailto:a@b.c", "url": "http://plain.example", "hours": "24/7", "confirmed": False}]},
        "metadata": {"answer_id": "x/y", "source": "javascript:alert(5) ; https://www.nhs.uk/", "checked": "2026-11-26"},
    }
    transcript = json.dumps([{"who": "user", "text": "hi"}, {"who": "bot", "message": hostile}])
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(
        f"sessionStorage.setItem('cartChat.transcript', {json.dumps(transcript)});"
        "sessionStorage.setItem('cartChat.open', 'true');"
    )
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
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
    assert ["tel:08001695555", "", ""] in hrefs
    expect(message).to_contain_text("click")  # an unsafe link keeps its words, loses its target
    expect(message).to_contain_text("We are still confirming these details.")
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
