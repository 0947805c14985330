"""The staff-editable contacts file (``content/contacts.yml``): load it, check it, and fill answers from it.

Why one module: the Rasa server (its NLG fills ``{hotline_phone}``-style placeholders in answers) and
the action server (the handoff action picks a contact) both need the same contacts, read and checked
the same way. Phone numbers never appear in code or in answer text: they live in the YAML file only.

A contact detail that has not been confirmed from a public source is never given to a patient: while a
contact is ``confirmed: false`` the assistant gives its ``fallback`` instead, a confirmed contact (for
example the centre's public web page for that team), everywhere: placeholders in answers, handoff cards.

``python -m assistant.content.contacts`` checks the file and exits non-zero when it is broken; the start-up
scripts run it so that the servers refuse to start with a malformed file.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Union

import yaml

from assistant.content import CONTACTS_PATH, served
from assistant.content.dates import as_date
from assistant.content.opening_hours import OpeningHours, parse_opening_hours
from assistant.settings import settings

REQUIRED_FIELDS = ("name", "purpose", "phone", "email", "hours", "source", "checked", "confirmed")
# UK numbers as people write them: 3 to 11 digits, optional spaces; 999, 111 and 18001 included.
PHONE_PATTERN = re.compile(r"^\d[\d ]{1,14}\d$")
EMAIL_PATTERN = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
URL_PATTERN = re.compile(r"^https://[^\s]+$")


class ContactsError(ValueError):
    """The contacts file cannot be used; the message names the contact and field."""


@dataclass(frozen=True)
class Problem:
    """One finding of the contacts check, in plain words for staff."""

    severity: str  # "error" stops the servers; "warning" is listed by the content check
    contact: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"contact '{self.contact}', field '{self.field}'" if self.contact else self.field
        return f"{self.severity.upper()}: {where}: {self.message}"


@dataclass(frozen=True)
class Contact:
    """A person or service the assistant can hand a patient to."""

    key: str
    name: str
    purpose: str
    phone: str
    email: str
    hours: OpeningHours
    hours_given: Union[str, Mapping[str, str]]  # as written in the file: "24/7", or per day type
    source: str
    checked: dt.date
    confirmed: bool
    url: str = ""
    fallback: str = ""  # the confirmed contact given instead while this one is not confirmed

    @property
    def how(self) -> str:
        """How to reach it, in words that fit any kind of contact: "call 0800 …", "see https://…"."""
        ways = [f"call {self.phone}" if self.phone else "", f"email {self.email}" if self.email else ""]
        return " or ".join(w for w in ways if w) or (f"see {self.url}" if self.url else "")

    @property
    def tel_link(self) -> str:
        return "tel:" + self.phone.replace(" ", "") if self.phone else ""

    @property
    def mailto_link(self) -> str:
        return f"mailto:{self.email}" if self.email else ""


@dataclass
class Contacts:
    """All contacts, keyed by their name in the file, with the file-level check date."""

    checked: dt.date
    by_key: Dict[str, Contact] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Contact:
        return self.by_key[key]

    def __contains__(self, key: object) -> bool:
        return key in self.by_key

    def shown(self, key: str) -> Contact:
        """The contact patients are given for ``key``: itself once confirmed, else its confirmed fallback."""
        contact = self.by_key[key]
        while not contact.confirmed:
            contact = self.by_key[contact.fallback]  # the check guarantees a confirmed end to the chain
        return contact

    def placeholder_values(self) -> Dict[str, str]:
        """Values for ``{<key>_<field>}`` placeholders in answer text, e.g. ``{hotline_phone}`` (``{<key>_hours}`` is
        worded by :func:`assistant.content.system_messages.placeholder_values`, from governed texts).

        An unconfirmed contact's placeholders give its fallback's details (the content check refuses texts
        that would read wrongly with them: its phone, email and hours must not be used).
        """
        values: Dict[str, str] = {}
        for key in self.by_key:
            contact = self.shown(key)
            values[f"{key}_name"] = contact.name
            values[f"{key}_phone"] = contact.phone
            values[f"{key}_email"] = contact.email
            values[f"{key}_url"] = contact.url
            values[f"{key}_how"] = contact.how
        return values


def contacts_path() -> Path:
    """The contacts file in use: the published one when the servers serve a publication, else ``contacts_file``
    in ``assistant/settings.py`` (``content/contacts.yml``)."""
    return served(CONTACTS_PATH, settings().contacts_file)


def check_contacts_data(data: Any) -> List[Problem]:
    """Every problem in a parsed contacts file. Errors make the file unusable; warnings do not."""
    problems: List[Problem] = []
    if not isinstance(data, dict) or not isinstance(data.get("contacts"), dict) or not data["contacts"]:
        return [Problem("error", "", "contacts", "the file must have a 'contacts:' section with at least one contact")]
    if as_date(data.get("checked")) is None:
        problems.append(Problem("error", "", "checked", "the file needs a 'checked:' date written as YYYY-MM-DD"))
    for key, entry in data["contacts"].items():
        if not isinstance(entry, dict):
            problems.append(Problem("error", key, "-", "each contact must be a list of fields (name:, phone:, …)"))
            continue
        for name in REQUIRED_FIELDS:
            if name not in entry:
                problems.append(Problem("error", key, name, "this field is missing"))
        phone = str(entry.get("phone") or "").strip()
        email = str(entry.get("email") or "").strip()
        if phone and not PHONE_PATTERN.match(phone):
            problems.append(Problem("error", key, "phone", f"'{phone}' is not a phone number (digits and spaces only)"))
        if email and not EMAIL_PATTERN.match(email):
            problems.append(Problem("error", key, "email", f"'{email}' is not an email address"))
        if not phone and not email and not entry.get("url"):
            problems.append(
                Problem("warning", key, "phone", "no phone, email or web page: patients cannot reach this contact")
            )
        url = str(entry.get("url") or "")
        if url and not URL_PATTERN.match(url):
            problems.append(Problem("error", key, "url", f"'{url}' must be a web address starting https://"))
        if "hours" in entry:
            try:
                parse_opening_hours(entry["hours"])
            except ValueError as error:
                problems.append(Problem("error", key, "hours", str(error)))
        if "checked" in entry and as_date(entry.get("checked")) is None:
            problems.append(Problem("error", key, "checked", "write the date as YYYY-MM-DD"))
        if "confirmed" in entry and not isinstance(entry.get("confirmed"), bool):
            problems.append(Problem("error", key, "confirmed", "write yes/no as true or false"))
        elif entry.get("confirmed") is False:
            problems.append(
                Problem(
                    "warning",
                    key,
                    "confirmed",
                    "not confirmed from a public source, so never given to patients (its fallback is): "
                    "check it and set confirmed: true",
                )
            )
        if "source" in entry and not str(entry.get("source") or "").strip():
            problems.append(Problem("error", key, "source", "say where the details were checked"))
        if entry.get("confirmed") is False:
            problems.extend(_fallback_problems(key, data["contacts"]))
    return problems


def _fallback_problems(key: str, contacts: Mapping[str, Any]) -> List[Problem]:
    """An unconfirmed contact needs a chain of fallbacks ending at a confirmed contact."""
    seen = [key]
    entry = contacts[key]
    while isinstance(entry, dict) and entry.get("confirmed") is not True:
        fallback = str(entry.get("fallback") or "").strip()
        if not fallback:
            return [
                Problem(
                    "error",
                    seen[-1],
                    "fallback",
                    "not confirmed, so patients must be given another contact instead: name a confirmed "
                    "contact under 'fallback:' (for example the centre's web page for this team)",
                )
            ]
        if fallback not in contacts or fallback in seen:
            return [
                Problem(
                    "error",
                    seen[-1],
                    "fallback",
                    f"'{fallback}' is not another contact in this file (or leads back here)",
                )
            ]
        seen.append(fallback)
        entry = contacts[fallback]
    return []


def parse_contacts(data: Any) -> Contacts:
    """Build :class:`Contacts` from parsed YAML, or raise :class:`ContactsError` listing every error."""
    errors = [p for p in check_contacts_data(data) if p.severity == "error"]
    if errors:
        raise ContactsError("The contacts file has problems:\n" + "\n".join(f"  - {p}" for p in errors))
    contacts = Contacts(checked=as_date(data["checked"]))  # type: ignore[arg-type]
    for key, entry in data["contacts"].items():
        contacts.by_key[key] = Contact(
            key=key,
            name=str(entry["name"]),
            purpose=str(entry["purpose"]),
            phone=str(entry.get("phone") or "").strip(),
            email=str(entry.get("email") or "").strip(),
            hours=parse_opening_hours(entry["hours"]),
            hours_given=entry["hours"],
            source=str(entry["source"]),
            checked=as_date(entry["checked"]),  # type: ignore[arg-type]
            confirmed=bool(entry["confirmed"]),
            url=str(entry.get("url") or ""),
            fallback=str(entry.get("fallback") or "").strip(),
        )
    return contacts


def read_contacts_yaml(path: Optional[Path] = None) -> Any:
    """Parse the contacts file, turning YAML syntax errors into a :class:`ContactsError` with the line."""
    path = path or contacts_path()
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ContactsError(f"The contacts file {path} does not exist") from error
    except yaml.YAMLError as error:
        raise ContactsError(f"The contacts file {path} is not valid YAML: {error}") from error


def load_contacts(path: Optional[Path] = None) -> Contacts:
    """Load and check the contacts file; raise :class:`ContactsError` when it is broken."""
    return parse_contacts(read_contacts_yaml(path))


def main(argv: List[str]) -> int:
    """Check the contacts file: print every problem, exit 1 on errors (the servers must not start)."""
    path = Path(argv[1]) if len(argv) > 1 else contacts_path()
    try:
        problems = check_contacts_data(read_contacts_yaml(path))
    except ContactsError as error:
        print(error, file=sys.stderr)
        return 1
    for problem in problems:
        print(f"{path}: {problem}", file=sys.stderr if problem.severity == "error" else sys.stdout)
    errors = sum(p.severity == "error" for p in problems)
    print(f"contacts: {errors} error(s), {len(problems) - errors} warning(s) in {path}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
