"""What patients type is stored with their personal data replaced by typed placeholders."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.privacy.redaction import (
    DATE,
    EMAIL,
    NAME,
    NHS_NUMBER,
    NUMBER,
    PHONE,
    POSTCODE,
    nhs_number_is_valid,
    redact,
    redact_value,
)

VALID_NHS = "9434765919"  # the NHS Data Dictionary's worked example


def with_check_digit(first_nine: str) -> str:
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=False))
    return first_nine + str((11 - total % 11) % 11)


@pytest.mark.parametrize(
    "number, valid",
    [
        ("9434765919", True),
        ("9434765918", False),  # wrong check digit
        ("4010232137", True),
        ("1234567890", False),  # check digit would be 10: never issued
        ("943476591", False),
        ("94347659190", False),
        ("abcdefghij", False),
    ],
)
def test_nhs_number_check_digit(number, valid):
    assert nhs_number_is_valid(number) is valid


@pytest.mark.parametrize(
    "text",
    [
        "my nhs number is 9434765919",
        "my nhs number is 943 476 5919",
        "my nhs number is 943-476-5919",
        "NHS no: 943  476  5919.",
        "nhs:9434765919",
    ],
)
def test_valid_nhs_numbers_in_any_spacing_are_replaced(text):
    redacted = redact(text)
    assert NHS_NUMBER in redacted and "5919" not in redacted


def test_an_invalid_ten_digit_number_is_not_called_an_nhs_number_but_is_still_hidden():
    redacted = redact("my number is 9434765918")
    assert NHS_NUMBER not in redacted and "9434765918" not in redacted


@pytest.mark.parametrize(
    "text",
    [
        "call me on 07700 900123",
        "my mobile is 07700900123",
        "ring +44 7700 900123 please",
        "home: 0151 496 0123",
        "(0151) 496 0456 after 5pm",
        "work number 020 7946 0789",
        "my number is 0044 151 496 0123",
    ],
)
def test_uk_phone_numbers_are_replaced(text):
    redacted = redact(text)
    assert PHONE in redacted
    assert not any(ch.isdigit() for ch in redacted.replace("5pm", "")), redacted


@pytest.mark.parametrize(
    "text, address",
    [
        ("email me at jo.bloggs@example.com", "jo.bloggs@example.com"),
        ("JANE_DOE+cart@nhs.net is mine", "JANE_DOE+cart@nhs.net"),
        ("write to a.b-c@sub.example.co.uk.", "a.b-c@sub.example.co.uk"),
    ],
)
def test_email_addresses_are_replaced(text, address):
    redacted = redact(text)
    assert EMAIL in redacted and address not in redacted


@pytest.mark.parametrize("text", ["I live at CH63 4JY", "postcode l7 8xp", "M20 4BX.", "it's SW1A 1AA", "CH634JY"])
def test_full_uk_postcodes_are_replaced(text):
    assert POSTCODE in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "DOB 12/03/1961",
        "born 3rd May 1955",
        "date of birth: 1949-07-21",
        "dob 21.07.49",
        "born on March 14, 1970",
        "my birthday is 5 june",
        "I was born in 1961",
        "born 12th of March 1961",
        "she was born 17 Aug 66",
        "my date of birth is 30/11/1958",
    ],
)
def test_dates_of_birth_are_replaced(text):
    redacted = redact(text)
    assert DATE in redacted
    assert not any(ch.isdigit() for ch in redacted), redacted


@pytest.mark.parametrize(
    "text, hidden",
    [
        ("My name is John Smith", ["John", "Smith"]),
        ("my name is john smith and I have a question", ["john", "smith"]),
        ("my names john", ["john"]),
        ("call me Dave", ["Dave"]),
        ("I'm Sarah and I had CAR-T", ["Sarah"]),
        ("Hi, this is Priya calling for my mum", ["Priya"]),
        ("my husband John is shivering", ["John"]),
        ("my husband john is shivering", ["john"]),
        ("my wife, Mary, has a fever", ["Mary"]),
        ("My son's name is Oliver", ["Oliver"]),
        ("Mrs Jones told me to ask", ["Jones"]),
        ("thanks, Margaret", ["Margaret"]),
        ("It's Bob here", ["Bob"]),
    ],
)
def test_names_introduced_by_a_phrase_are_replaced(text, hidden):
    redacted = redact(text)
    assert NAME in redacted
    for word in hidden:
        assert word not in redacted.split() and word not in redacted, redacted


@pytest.mark.parametrize(
    "text, hidden",
    [
        ("my son jan kowalski had car t", ["jan", "kowalski"]),  # the reported shape: a Polish surname after a relation
        ("my son Jan Kowalski had car t", ["Jan", "Kowalski"]),
        ("my daughter agnieszka wójcik has a fever", ["agnieszka", "wójcik"]),
        ("Mrs Kowalska told me to ask", ["Kowalska"]),
        ("my name is Muhammad Hussain", ["Muhammad", "Hussain"]),
        ("my mum shahida begum is confused", ["shahida", "begum"]),
        ("my husband Wang Wei is shivering", ["Wang", "Wei"]),
        ("my dad chan ka wai had car t", ["chan", "ka", "wai"]),
        ("I'm Siobhán Ní Bhriain", ["Siobhán", "Bhriain"]),
        ("this is Gethin Pritchard calling for my nain", ["Gethin", "Pritchard"]),
    ],
)
def test_names_of_every_community_after_a_phrase_are_replaced(text, hidden):
    redacted = redact(text)
    assert NAME in redacted
    for word in hidden:
        assert word not in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "I'm worried about my dad",
        "I'm not sure what CAR-T is",
        "this is really helpful, thanks",
        "my husband is shivering and his temperature is 38.6",
        "my son has a fever",
        "my temperature is 38.5 and my pulse is 120",
        "what happens in the 28 days after treatment?",
        "I'm having CAR-T at Clatterbridge in 2 weeks",
        "is JACIE accreditation important?",
        "can I call 999?",
        "oxygen 92% and heart rate 130 bpm",
    ],
)
def test_ordinary_clinical_text_is_kept_as_typed(text):
    assert redact(text) == text


def test_several_kinds_in_one_message():
    text = (
        "My name is Eleanor Quigley, NHS 943 476 5919, DOB 12/03/1961, call 07700 900123 "
        "or email e.quigley@example.com, CH63 4JY. Hospital number 12345678."
    )
    redacted = redact(text)
    for placeholder in (NAME, NHS_NUMBER, DATE, PHONE, EMAIL, POSTCODE):
        assert placeholder in redacted
    for value in ("Eleanor", "Quigley", "5919", "1961", "900123", "quigley@", "4JY", "12345678"):
        assert value not in redacted


def test_other_long_digit_runs_are_hidden():
    assert redact("my hospital number is 12345678") in {
        f"my hospital number is {NUMBER}",
        f"my hospital number is {PHONE}",
    }


def test_redact_value_walks_json_and_keeps_skipped_keys():
    value = {
        "text": "call 07700 900123",
        "entities": [{"value": "Mrs Jones"}],
        "n": 3,
        "intent": {"name": "my name is Bob"},
    }
    redacted = redact_value(value, skip_keys=frozenset({"intent"}))
    assert redacted == {
        "text": f"call {PHONE}",
        "entities": [{"value": f"Mrs {NAME}"}],
        "n": 3,
        "intent": {"name": "my name is Bob"},
    }
    assert value["text"] == "call 07700 900123"  # the original is untouched


@settings(max_examples=200, deadline=None)
@given(
    st.text(min_size=9, max_size=9, alphabet="0123456789"),
    st.sampled_from(["", " ", "-", "  "]),
    st.text(max_size=40),
    st.text(max_size=40),
)
def test_any_valid_nhs_number_in_any_text_is_hidden(first_nine, sep, before, after):
    number = with_check_digit(first_nine)
    if not nhs_number_is_valid(number):
        return
    spaced = sep.join([number[:3], number[3:6], number[6:]])
    redacted = redact(f"{before} {spaced} {after}")
    assert number not in redacted.replace(" ", "").replace("-", "") or number in (before + after).replace(" ", "")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_redaction_never_fails_and_is_stable(text):
    once = redact(text)
    assert isinstance(once, str)
    assert redact(once) == redact(redact(once))
