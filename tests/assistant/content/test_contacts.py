"""The contacts file: a good one loads, and broken ones are explained by contact and field.

The staff's live file is checked by ``make check-contacts`` (a step of ``make test``), not here: these tests
read the made-up ``tests/fixtures/contacts.yml``."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest
import yaml

from assistant.content.contacts import ContactsError, check_contacts_data, load_contacts, parse_contacts
from tests.conftest import CONTACTS_FIXTURE

GOOD = yaml.safe_load(CONTACTS_FIXTURE.read_text(encoding="utf-8"))


def broken(contact: str, field: str, value) -> dict:
    data = copy.deepcopy(GOOD)
    if value is None:
        del data["contacts"][contact][field]
    else:
        data["contacts"][contact][field] = value
    return data


def test_the_contacts_file_in_use_loads_and_fills_the_placeholders():
    contacts = load_contacts()  # $CONTACTS_FILE: the fixture, in unit tests
    assert contacts["hotline"].phone == GOOD["contacts"]["hotline"]["phone"]
    assert contacts["hotline"].confirmed
    assert contacts.placeholder_values()["hotline_phone"] == GOOD["contacts"]["hotline"]["phone"]


def test_unconfirmed_values_are_warnings_naming_the_contact():
    warnings = [p for p in check_contacts_data(GOOD) if p.severity == "warning"]
    assert {p.contact for p in warnings if p.field == "confirmed"} == {
        key for key, contact in GOOD["contacts"].items() if not contact["confirmed"]
    }
    assert all(p.severity == "warning" for p in check_contacts_data(GOOD))


@pytest.mark.parametrize(
    "contact, field, value, words",
    [
        ("hotline", "phone", "0800 HOTLINE", "is not a phone number"),
        ("hotline", "email", "nurses-at-clatterbridge", "is not an email address"),
        ("haematology", "hours", None, "this field is missing"),
        ("haematology", "hours", {"weekdays": "09:00-17:00"}, "opening hours missing for saturday"),
        (
            "haematology",
            "hours",
            {"weekdays": "9am-5pm", "saturday": "closed", "sunday": "closed", "bank_holidays": "closed"},
            "is not a time range",
        ),
        (
            "haematology",
            "hours",
            {"weekdays": "17:00-09:00", "saturday": "closed", "sunday": "closed", "bank_holidays": "closed"},
            "closes before it opens",
        ),
        ("pals", "confirmed", "maybe", "write yes/no as true or false"),
        ("pals", "checked", "last week", "write the date as YYYY-MM-DD"),
        ("pals", "url", "http://example.org", "must be a web address starting https://"),
        ("macmillan", "source", "", "say where the details were checked"),
    ],
)
def test_a_broken_field_is_an_error_naming_contact_and_field(contact, field, value, words):
    errors = [p for p in check_contacts_data(broken(contact, field, value)) if p.severity == "error"]
    assert any(p.contact == contact and p.field == field and words in p.message for p in errors), errors
    with pytest.raises(ContactsError, match=contact):
        parse_contacts(broken(contact, field, value))


def test_the_check_command_refuses_a_broken_file(tmp_path):
    bad = tmp_path / "contacts.yml"
    bad.write_text(yaml.safe_dump(broken("hotline", "phone", "call us")), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "assistant.content.contacts", str(bad)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "contact 'hotline', field 'phone'" in result.stderr


def test_the_check_command_explains_invalid_yaml(tmp_path):
    bad = tmp_path / "contacts.yml"
    bad.write_text("contacts:\n  hotline: [unclosed\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "assistant.content.contacts", str(bad)], capture_output=True, text=True
    )
    assert result.returncode == 1 and "not valid YAML" in result.stderr
