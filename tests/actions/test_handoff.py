"""Given a reason and a time, the patient is offered the right person, and never an unconfirmed contact.

The contacts are a fixture (tests/fixtures/contacts.yml): a CAR-T team confirmed with office hours, so the
clock decides, and a PALS whose details are not confirmed, so its web page is given instead.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHandoff, handoff_reason
from assistant.content.contacts import load_contacts
from assistant.content.opening_hours import UK_TZ
from tests.conftest import CONTACTS_FIXTURE, make_tracker

CONTACTS = load_contacts(CONTACTS_FIXTURE)
TEAM, HOTLINE, PALS = CONTACTS["haematology"], CONTACTS["hotline"], CONTACTS["pals"]


def says_both_urgent_routes(text: str) -> bool:
    """Every pointer to urgent help names the Hotline (the centre's patients) and NHS 111 (everyone else)."""
    return HOTLINE.phone in text and "NHS 111" in text and "own treating team" in text


def uk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UK_TZ)


async def run_handoff(tracker, when: dt.datetime):
    dispatcher = CollectingDispatcher()
    with time_machine.travel(when, tick=False):
        events = await ActionHandoff().run(dispatcher, tracker, {})
    assert len(dispatcher.messages) == 1
    return dispatcher.messages[0], events


@pytest.mark.parametrize(
    "intents, reason",
    [
        (["cart", "handoff"], "clinical"),
        (["referral", "handoff"], "referral"),
        (["complaint"], "complaint"),
        (["greet", "handoff"], "general"),
        (["jacie", "nlu_fallback", "nlu_fallback"], "general"),
        (["referral", "nlu_fallback", "nlu_fallback"], "referral"),
        (["handoff"], "general"),
        (["referral", "follow_up", "handoff"], "referral"),  # "and the other one?" is about the answer before it
    ],
)
def test_reason_comes_from_what_the_patient_asked_about(intents, reason):
    assert handoff_reason(make_tracker(*intents)) == reason


async def test_weekday_in_hours_a_clinical_question_goes_to_the_team():
    message, events = await run_handoff(make_tracker("cart", "handoff"), uk(2026, 11, 25, 10, 0))
    assert TEAM.name in message["text"] and TEAM.phone in message["text"]
    assert {"title": f"Call {TEAM.name}", "payload": TEAM.tel_link} in message["buttons"]
    assert message["custom"]["type"] == "contact_card"
    assert message["custom"]["contacts"][0]["key"] == "haematology"
    assert says_both_urgent_routes(message["text"])  # the urgent-help routes are always there
    assert events == [SlotSet("handoff_reason", "clinical")]


async def test_evening_clinical_question_gives_the_urgent_routes_and_the_hotline_card():
    message, _ = await run_handoff(make_tracker("cart", "handoff"), uk(2026, 11, 25, 20, 0))
    assert "closed now" in message["text"] and says_both_urgent_routes(message["text"])
    assert TEAM.phone not in message["text"]
    assert [c["key"] for c in message["custom"]["contacts"]] == ["hotline"]
    assert message["buttons"] == [{"title": f"Call {HOTLINE.name}", "payload": HOTLINE.tel_link}]
    assert message["text"].count(HOTLINE.phone) == 1  # the routes are given once


async def test_evening_referral_question_says_when_the_line_opens():
    message, events = await run_handoff(make_tracker("referral", "handoff"), uk(2026, 11, 25, 20, 0))
    assert "your own hospital team" in message["text"]
    assert "opens tomorrow at 9am" in message["text"]
    assert events == [SlotSet("handoff_reason", "referral")]


async def test_a_complaint_gets_the_ways_to_raise_it_and_the_pals_page_not_the_unconfirmed_number():
    message, events = await run_handoff(make_tracker("complaint"), uk(2026, 11, 25, 10, 0))
    assert "Patient Advice and Liaison Service" in message["text"] and "matron" in message["text"]
    assert CONTACTS["pals_page"].url in message["text"]
    assert PALS.phone not in message["text"] and PALS.email not in message["text"]
    assert [c["key"] for c in message["custom"]["contacts"]] == ["pals_page"]
    assert PALS.phone not in str(message["custom"]) and not message.get("buttons")
    assert events == [SlotSet("handoff_reason", "complaint")]


@pytest.mark.integration
async def test_the_live_contacts_never_give_an_unconfirmed_contact():
    """Whatever the reason and time, the staff file's unconfirmed numbers never reach the patient (this one
    reads the live content/contacts.yml, so it runs with the integration tests)."""
    live = load_contacts()
    hidden = [c for c in live.by_key.values() if not c.confirmed]
    for intents in (["cart", "handoff"], ["referral", "handoff"], ["complaint"], ["handoff"]):
        for when in (uk(2026, 11, 25, 10, 0), uk(2026, 11, 28, 23, 0)):
            message, _ = await run_handoff(make_tracker(*intents), when)
            shown = message["text"] + str(message.get("custom")) + str(message.get("buttons"))
            for contact in hidden:
                assert not (contact.phone and contact.phone in shown), (intents, contact.key)
                assert not (contact.email and contact.email in shown), (intents, contact.key)
            assert all(c["confirmed"] for c in message["custom"]["contacts"])


async def test_bank_holiday_daytime_clinical_question_goes_to_the_hotline():
    message, _ = await run_handoff(make_tracker("cart", "handoff"), uk(2026, 12, 28, 11, 0))
    assert [c["key"] for c in message["custom"]["contacts"]] == ["hotline"]


@pytest.mark.parametrize(
    "utc_time, team_open",
    [
        # Clocks go forward on Sun 29 Mar 2026: 08:30 UTC on Monday is 09:30 BST, the team is open.
        (dt.datetime(2026, 3, 30, 8, 30, tzinfo=dt.timezone.utc), True),
        # The same UTC time a week before the change is 08:30 GMT: closed.
        (dt.datetime(2026, 3, 23, 8, 30, tzinfo=dt.timezone.utc), False),
        # The night of the change itself: 01:30 UTC is 02:30 BST on a Sunday: closed.
        (dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.timezone.utc), False),
        # Clocks go back on Sun 25 Oct 2026: Friday 16:30 UTC is 17:30 BST, closed; Monday 09:30 UTC is 09:30 GMT, open.
        (dt.datetime(2026, 10, 23, 16, 30, tzinfo=dt.timezone.utc), False),
        (dt.datetime(2026, 10, 26, 9, 30, tzinfo=dt.timezone.utc), True),
        # The repeated hour on 25 Oct (01:30 happens twice): Sunday, closed either way.
        (dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.timezone.utc), False),
    ],
)
async def test_the_nights_the_clocks_change(utc_time, team_open):
    message, _ = await run_handoff(make_tracker("cart", "handoff"), utc_time)
    keys = [c["key"] for c in message["custom"]["contacts"]]
    assert keys == (["haematology"] if team_open else ["hotline"])


async def test_closed_on_friday_evening_before_the_clocks_go_forward_opens_monday_in_bst():
    message, _ = await run_handoff(
        make_tracker("referral", "handoff"), dt.datetime(2026, 3, 27, 18, 0, tzinfo=dt.timezone.utc)
    )
    assert "opens on Monday 30 March at 9am" in message["text"]


async def test_bank_holidays_are_skipped_christmas_2026():
    # 25 Dec (Fri) and the substitute Boxing Day (Mon 28 Dec) are bank holidays in England & Wales.
    message, _ = await run_handoff(make_tracker("referral", "handoff"), uk(2026, 12, 24, 18, 0))
    assert "opens on Tuesday 29 December at 9am" in message["text"]
