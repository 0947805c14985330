"""Hand the patient to the right person for their question and the time of day.

Why a custom action: the right contact depends on the reason (clinical, referral, complaint, general)
and on the clock (UK time, weekends, England & Wales bank holidays), which plain responses cannot
express. Contacts come from the staff-editable ``content/contacts.yml``; wording from
``content/system_messages.yml``. A contact not yet confirmed is never given: its confirmed fallback is (for
example the centre's web page for that team). The action sends text, ``tel:``/``mailto:`` buttons and a
``custom`` contact-card payload for the widget, and records the reason in the ``handoff_reason`` slot for
analytics (no personal data).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clock import now_uk
from assistant.content.contacts import Contact
from assistant.content.system_messages import SystemTexts, system_texts

ACTION_HANDOFF = "action_handoff"
HANDOFF_REASON_SLOT = "handoff_reason"

CLINICAL, REFERRAL, COMPLAINT, GENERAL = "clinical", "referral", "complaint", "general"
# What the patient was last asking about decides who can help.
REASON_BY_INTENT = {
    "complaint": COMPLAINT,
    "referral": REFERRAL,
    "cart": CLINICAL,
    "service": CLINICAL,
    "jacie": GENERAL,
    "personal_advice": CLINICAL,
    "urgent_symptom": CLINICAL,
}
# Who helps: the CAR-T team for anything about CAR-T, the service, referral or when the topic is not known
# (this assistant's questions are all about CAR-T); PALS for complaints.
CONTACT_BY_REASON = {CLINICAL: "haematology", REFERRAL: "haematology", COMPLAINT: "pals", GENERAL: "haematology"}
IGNORED_INTENTS = {"handoff", "nlu_fallback", "greet", "thank", "bot_challenge", "what_can_you_do", "follow_up"}


def handoff_reason(tracker: Tracker) -> str:
    """The reason for the handoff, from the latest user turn that says what it is about."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        parse_data = event.get("parse_data")
        intent_data = parse_data.get("intent") if isinstance(parse_data, dict) else None
        intent = intent_data.get("name") if isinstance(intent_data, dict) else None
        intent = intent if isinstance(intent, str) else None
        if intent in REASON_BY_INTENT:
            return REASON_BY_INTENT[intent]
        if intent not in IGNORED_INTENTS:
            break
    return GENERAL


@dataclass
class HandoffPlan:
    """Who to offer, and the lines to say, for one handoff."""

    reason: str
    contacts: List[Contact]
    lines: List[str]


def plan_handoff(reason: str, now: dt.datetime, texts: SystemTexts) -> HandoffPlan:
    """Choose the contacts and wording for ``reason`` at ``now`` (any aware datetime)."""
    contacts = texts.contacts.current()
    lines: List[str] = []
    chosen: List[Contact] = []
    if reason == REFERRAL and "referral" in contacts:
        lines.append(texts.render("handoff_own_team"))
    if reason == COMPLAINT:
        lines.append(texts.render("handoff_complaint"))
    wanted = CONTACT_BY_REASON[reason]
    routes_given = False
    if wanted in contacts:
        contact = contacts.shown(wanted)
        details = {**_contact_values(contact, texts), "team_name": contacts[wanted].name}
        if not contact.phone and not contact.email:
            lines.append(texts.render("handoff_web_page", **details))
        elif contact.hours.is_open(now):
            lines.append(texts.render("handoff_open", **details))
        elif reason == CLINICAL and "hotline" in contacts:
            lines.append(texts.render("handoff_clinical_out_of_hours"))
            routes_given = True
            contact = contacts.shown("hotline")
        else:
            opening = contact.hours.next_opening(now)
            when = texts.opening_words(opening, now) if opening else texts.render("handoff_opening_unknown")
            lines.append(texts.render("handoff_closed", **details, next_opening=when))
        chosen.append(contact)
    if not routes_given:
        lines.append(texts.render("handoff_emergency"))
    return HandoffPlan(reason, chosen, lines)


def _contact_values(contact: Contact, texts: SystemTexts) -> Dict[str, str]:
    return {
        "contact_name": contact.name,
        "contact_phone": contact.phone,
        "contact_url": contact.url,
        "contact_hours": texts.hours_words(contact),
        "contact_how": contact.how or texts.render("handoff_how_unknown"),
    }


def contact_buttons(contacts: List[Contact], texts: SystemTexts) -> List[Dict[str, str]]:
    """``tel:`` and ``mailto:`` buttons (the widget opens them as links)."""
    buttons = []
    for contact in contacts:
        if contact.phone:
            buttons.append({"title": texts.render("handoff_call_button", contact_name=contact.name),
                            "payload": contact.tel_link})  # fmt: skip
        if contact.email:
            buttons.append({"title": texts.render("handoff_email_button", contact_name=contact.name),
                            "payload": contact.mailto_link})  # fmt: skip
    return buttons


def contact_card(plan: HandoffPlan, texts: SystemTexts) -> Dict[str, Any]:
    """The ``custom`` payload the widget renders as a contact card."""
    return {
        "type": "contact_card",
        "reason": plan.reason,
        "contacts": [
            {
                "key": c.key,
                "name": c.name,
                "purpose": c.purpose,
                "phone": c.phone,
                "tel": c.tel_link,
                "email": c.email,
                "mailto": c.mailto_link,
                "url": c.url,
                "hours": texts.hours_words(c),
                "checked": c.checked.isoformat(),
                "confirmed": c.confirmed,
            }
            for c in plan.contacts
        ],
    }


class ActionHandoff(Action):
    """Offers the right person to talk to, for the reason and the time of day."""

    def name(self) -> Text:
        return ACTION_HANDOFF

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        now = now_uk((tracker.latest_message or {}).get("metadata"))
        texts = system_texts()  # watched: an edit is live at once, a broken edit keeps the last good version
        plan = plan_handoff(handoff_reason(tracker), now, texts)
        dispatcher.utter_message(
            text="\n\n".join(plan.lines),
            buttons=contact_buttons(plan.contacts, texts) or None,
            json_message=contact_card(plan, texts) if plan.contacts else None,
        )
        return [SlotSet(HANDOFF_REASON_SLOT, plan.reason)]
