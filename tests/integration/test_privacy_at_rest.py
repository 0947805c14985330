"""Given patients who type personal data into the real assistant, none of it is kept in clear.

Seeds names, NHS numbers, phone numbers, e-mail addresses, postcodes and dates of birth into more
than 50 messages (REST and socket.io, several conversations, some of them urgent or handed to a
person so the action server sees them too), then searches the SQLite tracker database and every log
file (Rasa server at debug level, action server) for each seeded value, in every spelling a value
could be stored in. The test also checks the placeholders *are* there, so it cannot pass because
nothing was written.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from typing import Dict, List, Tuple

import pytest

from assistant.privacy.redaction import nhs_number_is_valid
from tests.integration.test_socketio_channel import WidgetClient

pytestmark = pytest.mark.integration


def valid_nhs_numbers(count: int) -> List[str]:
    numbers, base = [], 401023456
    while len(numbers) < count:
        base += 7919
        for check in range(10):
            candidate = f"{base}{check}"
            if nhs_number_is_valid(candidate):
                numbers.append(candidate)
                break
    return numbers


NHS = valid_nhs_numbers(10)
NAMES = [
    ("Eleanora", "Quigley"),
    ("Thaddeus", "Fairweather"),
    ("Priyanka", "Okonkwo"),
    ("Oluwaseun", "Ravensworth"),
    ("Maximilian", "Pemberton"),
    ("Genevieve", "Castellano"),
    ("Bartholomew", "Achterberg"),
    ("Ottoline", "Nakamura"),
    ("Leopold", "Wojcik"),
    ("Isadora", "Delacroix"),
]
# Typed with no "my name is" before them, in lower case: found from the name lists (assistant/privacy/names.py),
# one or two of each community the centre serves (British, Irish, Welsh, Polish, Pakistani, Bangladeshi, Arabic,
# Chinese); every other one after "my son", as in the report of a Polish surname kept in clear.
CUE_FREE_NAMES = [
    ("Bethany", "Fitzgerald"),
    ("Jan", "Kowalski"),
    ("Siobhan", "Donnelly"),
    ("Małgorzata", "Wiśniewska"),
    ("Gethin", "Pritchard"),
    ("Zainab", "Akhtar"),
    ("Shahida", "Begum"),
    ("Mohammed", "Uddin"),
    ("Kaho", "Wong"),
    ("Khalid", "Mansour"),
]
MOBILES = [f"07700 900{n:03d}" for n in (123, 456, 789, 234, 567, 890, 345, 678, 901, 112)]
LANDLINES = [f"0151 496 0{n:03d}" for n in (123, 456, 789, 234, 567, 890, 345, 678, 901, 112)]
POSTCODES = [
    "CH63 4JY",
    "L7 8XP",
    "M20 4BX",
    "CH43 9QR",
    "WA7 2DA",
    "L69 3GA",
    "PR1 8UY",
    "SK10 3BL",
    "CW1 4QJ",
    "LL13 7TD",
]
DOBS = [
    "12/03/1961",
    "3rd May 1955",
    "1949-07-21",
    "21.07.1949",
    "March 14, 1970",
    "30/11/1958",
    "5th June 1962",
    "1977-02-28",
    "09/09/1944",
    "17 August 1966",
]


def conversation(i: int) -> List[Tuple[str, List[str]]]:
    """Six or seven messages of one patient, each with the personal values it contains."""
    first, last = NAMES[i]
    nhs = NHS[i]
    nhs_spaced = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
    email = f"{first.lower()}.{last.lower()}{i}@example.com"
    return [
        (f"Hello, my name is {first} {last}", [first, last]),
        (f"My NHS number is {nhs_spaced if i % 2 else nhs}, what is CAR-T cell therapy?", [nhs]),
        (f"You can call me on {MOBILES[i]} or at home on {LANDLINES[i]}", [MOBILES[i], LANDLINES[i]]),
        (f"My email is {email} and I live at {POSTCODES[i]}", [email, POSTCODES[i]]),
        (f"My date of birth is {DOBS[i]}. How does referral for CAR-T work?", [DOBS[i]]),
        (
            f"{CUE_FREE_NAMES[i][0].lower()} {CUE_FREE_NAMES[i][1].lower()}, my dad wants to know how long car-t takes"
            if i % 2 == 0
            else f"my son {CUE_FREE_NAMES[i][0].lower()} {CUE_FREE_NAMES[i][1].lower()} had car t, how long does it take",
            list(CUE_FREE_NAMES[i]),
        ),
        # urgent, with a name: NLU must still see the symptom; or a handoff: the action server sees it
        (
            f"This is {first}, my husband Cornelius{i} has a temperature of 38.7 and is shivering"
            if i % 2
            else f"I'm {first} {last}. Can I speak to someone from the team please?",
            [first, last, f"Cornelius{i}"],
        ),
    ]


def spellings(value: str) -> List[str]:
    """Every form in which a seeded value could appear in the database or a log."""
    forms = {value, value.lower(), value.upper(), json.dumps(value)[1:-1]}
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 8:
        forms |= {digits, digits.lstrip("0"), "44" + digits.lstrip("0")}
    if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", value):
        forms.add(value.replace(" ", ""))
    return sorted(f for f in forms if len(f) >= 4)


def find_clear_text(blobs: Dict[str, str], values: List[str]) -> List[str]:
    found = []
    for value in values:
        for form in spellings(value):
            for name, blob in blobs.items():
                if form.lower() in blob:
                    found.append(f"{value!r} (as {form!r}) in {name}")
    return found


@pytest.fixture(scope="module")
def seeded(assistant):
    """Run the seeded conversations: 8 over REST, 2 over socket.io (the widget's channel)."""
    seeded_values: List[str] = []
    messages = 0
    replies = {}
    for i in range(len(NAMES)):
        turns = conversation(i)
        if i < 8:
            sender = f"privacy-{uuid.uuid4().hex}"
            for text, values in turns:
                replies[text] = assistant.say(sender, text)
                seeded_values += values
                messages += 1
        else:
            widget = WidgetClient(f"http://127.0.0.1:{assistant.rasa_port}")
            try:
                for text, values in turns:
                    replies[text] = widget.say(text)
                    seeded_values += values
                    messages += 1
            finally:
                widget.close()
    return {"values": sorted(set(seeded_values)), "messages": messages, "replies": replies}


def stored_and_logged(assistant) -> Dict[str, str]:
    with sqlite3.connect(assistant.db) as db:
        db.execute("PRAGMA wal_checkpoint(FULL)")
    blobs = {
        path.name: path.read_bytes().decode("utf-8", "replace").lower()
        for path in assistant.db.parent.glob("tracker.db*")
    }
    blobs.update({path.name: path.read_text(encoding="utf-8", errors="replace").lower() for path in assistant.logs})
    return blobs


def test_no_seeded_value_is_kept_in_clear(assistant, seeded):
    blobs = stored_and_logged(assistant)
    found = find_clear_text(blobs, seeded["values"])
    print(
        f"\nseeded-PII: {seeded['messages']} messages, {len(seeded['values'])} distinct values seeded, "
        f"{len(found)} found at rest in {sorted(blobs)}"
    )
    assert seeded["messages"] >= 50
    assert not found, "personal data kept in clear:\n" + "\n".join(found[:20])


def test_the_placeholders_prove_the_messages_were_stored_and_logged(assistant, seeded):
    blobs = stored_and_logged(assistant)
    with sqlite3.connect(assistant.db) as db:
        user_events = db.execute("SELECT COUNT(*) FROM events WHERE type_name = 'user'").fetchone()[0]
    assert user_events >= seeded["messages"]
    database = blobs["tracker.db"]
    for placeholder in ("[name]", "[nhs_number]", "[phone]", "[email]", "[postcode]", "[date]"):
        assert placeholder in database, placeholder
    rasa_log = blobs["rasa.log"]
    assert "processor.message.parse" in rasa_log and "[nhs_number]" in rasa_log


def test_nlu_still_sees_the_patients_words_in_the_current_turn(seeded):
    urgent = [replies for text, replies in seeded["replies"].items() if "38.7" in text]
    assert urgent and all(r[0]["metadata"]["answer_id"] == "urgent_help" for r in urgent)
    handoffs = [replies for text, replies in seeded["replies"].items() if "speak to someone" in text]
    assert handoffs and all(any(m.get("custom", {}).get("type") == "contact_card" for m in r) for r in handoffs)
