"""The website widget's texts and the demo pages are rendered by the assistant's own code: contacts only once
confirmed (else their fallback), the one urgent-routes text, the settings from their one home; a missing text
or an unknown placeholder stops the build instead of reaching a patient.

Contacts are the fixture (tests/fixtures/contacts.yml: PALS not confirmed, its web page as fallback).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.content.contacts import load_contacts
from assistant.content.site_pages import SITE_DIR
from assistant.content.system_messages import URGENT_ROUTES, fill, load_system_messages, placeholder_values
from assistant.content.web_texts import (
    WIDGET_TEXTS,
    RenderError,
    max_characters,
    read_widget_texts,
    render_web,
)
from assistant.settings import settings
from tests.conftest import CONTACTS_FIXTURE, PROJECT_ROOT

CONTACTS = load_contacts(CONTACTS_FIXTURE)
SETTINGS = {"max_characters": 1000, "retention_days": 30}
SERVER = "http://127.0.0.1:5005"


def rendered(site: Path = SITE_DIR, **texts: str) -> dict:
    """The project's widget texts with some replaced, rendered with the fixture contacts."""
    return render_web(SERVER, CONTACTS, {**read_widget_texts(), **texts}, site, SETTINGS)


def test_the_urgent_panel_says_exactly_what_the_assistant_says_about_urgent_help():
    server_side = placeholder_values(CONTACTS, load_system_messages())[URGENT_ROUTES]
    widget = rendered()["widget"]
    assert widget["texts"]["urgent_panel"] == server_side
    for contact in ("emergency", "hotline", "nhs111"):  # 999, the Hotline and NHS 111, from the contacts file
        assert CONTACTS[contact].phone in server_side or CONTACTS[contact].name in server_side


def test_a_contact_not_confirmed_is_never_rendered_its_confirmed_fallback_is():
    pals, fallback = CONTACTS["pals"], CONTACTS.shown("pals")
    assert not pals.confirmed and fallback.confirmed and fallback.url
    web = rendered(greeting="Reach PALS: {pals_how}. Or call {pals_phone}, {pals_email}.")
    greeting = web["widget"]["texts"]["greeting"]
    assert pals.phone not in greeting and pals.email not in greeting
    assert greeting.startswith(f"Reach PALS: see {fallback.url}.")


def test_the_pages_are_rendered_with_tap_to_call_numbers_and_the_settings(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "_layout.html").write_text((SITE_DIR / "_layout.html").read_text(encoding="utf-8"), encoding="utf-8")
    record = json.dumps(
        {
            "title": "Help & <info>",
            "breadcrumb": "Home",
            "source": "x",
            "checked": "2026-12-01",
            "reviewer": "",
            "approved": "",
            "review_by": "2027-06-01",
        }
    )
    (site / "help.html").write_text(
        f"<!-- page: {record} -->\n<p>{{{{urgent_routes}}}}</p>\n<p>Kept {{{{retention_days}}}} days; "
        f"up to {{{{max_characters}}}} characters. Select {{{{widget_erase_button}}}}.</p>\n",
        encoding="utf-8",
    )
    page = rendered(site)["pages"]["help.html"]
    hotline = CONTACTS["hotline"]
    assert f'<a href="{hotline.tel_link}">{hotline.phone}</a>' in page
    assert "Kept 30 days; up to 1000 characters. Select Delete my conversation." in page
    assert "<title>Help &amp; &lt;info&gt; - " in page and f'data-server="{SERVER}"' in page
    assert "{{" not in page and "page:" not in page.splitlines()[0]  # the record stays out of the page


def test_the_widget_gets_the_settings_from_their_one_home():
    assert rendered()["widget"]["max_characters"] == SETTINGS["max_characters"]
    assert max_characters() == 1000 and settings().retention_days == 30  # config.yml's LengthGuard, endpoints.yml


def test_a_widget_text_names_a_button_as_the_button_says_it():
    texts = rendered()["widget"]["texts"]
    assert f"**{texts['urgent_button']}**" in texts["notice"]
    assert texts["urgent_button"] in texts["status_could_not_start"]


def test_the_values_the_widget_fills_itself_are_left_for_it():
    texts = rendered()["widget"]["texts"]
    assert "{sources}" in texts["source_line"] and "{reviewer}" in texts["approved_line"]


@pytest.mark.parametrize(
    "name, text, words",
    [
        ("greeting", "Hello {hotline_fax}.", "greeting uses {hotline_fax}, which has no value"),
        ("checked_line", "Checked {date} by {reviewer}.", "checked_line uses {reviewer}, which has no value"),
        ("notice", "Select {widget_source_line}.", "notice uses {widget_source_line}"),
    ],
)
def test_an_unknown_placeholder_is_refused(name, text, words):
    with pytest.raises(RenderError, match=words.replace("{", r"\{").replace("}", r"\}")):
        rendered(**{name: text})


def test_a_missing_text_is_refused_and_so_is_one_the_widget_does_not_show():
    texts = read_widget_texts()
    del texts["erase_yes"]
    with pytest.raises(RenderError, match="has no text for erase_yes"):
        render_web(SERVER, CONTACTS, texts, SITE_DIR, SETTINGS)
    with pytest.raises(RenderError, match="has no text for erase_yes"):
        rendered(erase_yes="  ")
    with pytest.raises(RenderError, match="greting is not a text the widget shows"):
        rendered(greting="Hello.")


def test_a_page_placeholder_without_a_value_is_refused(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "_layout.html").write_text((SITE_DIR / "_layout.html").read_text(encoding="utf-8"), encoding="utf-8")
    (site / "bad.html").write_text(
        '<!-- page: {"title": "T", "breadcrumb": "B"} -->\n<p>{{retention_dayz}}</p>\n', encoding="utf-8"
    )
    with pytest.raises(RenderError, match=r"web/site/bad.html uses \{retention_dayz\}"):
        rendered(site)


def test_the_command_writes_everything_the_build_reads(tmp_path):
    out = tmp_path / "texts.json"
    result = subprocess.run(
        [sys.executable, "-m", "assistant.content.web_texts", str(out), "--chat-server", SERVER],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    built = json.loads(out.read_text(encoding="utf-8"))
    assert set(built["widget"]["texts"]) == set(WIDGET_TEXTS)
    assert set(built["pages"]) == {"index.html", "privacy.html"}


def test_the_command_says_what_is_wrong_in_plain_words(tmp_path):
    broken = tmp_path / "contacts.yml"
    broken.write_text("contacts: [", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "assistant.content.web_texts", str(tmp_path / "t.json"), "--chat-server", SERVER],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=settings().server_environment({"CONTACTS_FILE": str(broken)}),
    )
    assert result.returncode == 1 and result.stderr.startswith("web texts: The contacts file")
    assert "Traceback" not in result.stderr and not (tmp_path / "t.json").exists()


def test_fill_reads_page_placeholders_with_double_braces():
    from assistant.content.site_pages import PAGE_PLACEHOLDER

    assert fill("{{a}} {b}", {"a": "1", "b": "2"}, PAGE_PLACEHOLDER) == "1 {b}"
