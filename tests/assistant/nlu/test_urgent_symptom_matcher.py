"""The urgent-symptom detector against the red-flag test set (tests/assistant/nlu/red_flag_messages.yml).

Every urgent message must be recognised (recall 100%); the false-alarm rate on harmless mentions is
reported, not asserted, beyond a ceiling that catches a detector that flags everything.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.nlu.urgent_symptom_matcher import UrgentSymptomMatcher

SET = yaml.safe_load((Path(__file__).parent / "red_flag_messages.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def detector(nlp):
    return UrgentSymptomMatcher(nlp)


@pytest.mark.parametrize("case", SET["urgent"], ids=lambda c: c["text"][:50])
def test_every_urgent_message_is_recognised(detector, case):
    result = detector.detect_text(case["text"])
    assert result.urgent, f"missed urgent ({case['sign']}): {case['text']!r} → {result}"


def test_false_alarms_on_harmless_mentions_stay_rare(detector):
    alarms = [c["text"] for c in SET["not_urgent"] if detector.detect_text(c["text"]).urgent]
    rate = len(alarms) / len(SET["not_urgent"])
    print(f"\nred flags: false alarms {len(alarms)}/{len(SET['not_urgent'])} ({rate:.0%})")
    assert rate <= 0.2, alarms


@pytest.mark.parametrize(
    "text, signs",
    [
        ("temp 38.2 and shivery", {"fever", "shivering"}),
        ("he's confused and can't find his words", {"confusion", "speech"}),
        ("temperature 35.4", {"low_temperature"}),
        ("39 degrees", {"fever"}),
        ("my temp of 38", {"fever"}),
        ("101F and aching", {"fever"}),
        ("pulse 130 sat here", {"racing_heart"}),
        ("oxygen 91", {"breathing"}),
        ("i cant breathe", {"breathing"}),
        ("can hardly breathe", {"breathing"}),
        ("she can barely breathe", {"breathing"}),
        # a question about what the treatment causes, once someone is named, is a report
        ("can car t cause the shivering my dad has now", {"shivering"}),
        ("does it make him confused", {"confusion"}),
        ("he hasn't responded to me all morning", {"drowsiness"}),
        ("she keeps forgetting what day it is", {"confusion"}),
        ("she won't wake up properly", {"drowsiness"}),
        ("he's having a fit", {"seizure"}),
        ("she is shaking", {"shivering"}),
        ("mum shook all night", {"shivering"}),
        ("i had car t two weeks ago and now i'm shaking and hot", {"shivering", "fever"}),
        ("hes really hot", {"fever"}),
        ("he's hot", {"fever"}),
        ("he doesn't know what's going on", {"confusion"}),
        ("mum doesnt know what's happening", {"confusion"}),
        ("dad's not right, not himself at all", {"unwell"}),
        ("he hasn't been right for two days", {"unwell"}),
        ("mum hasnt been right since the infusion", {"unwell"}),
        ("he's not really been right", {"unwell"}),
        ("he's not been himself", {"confusion"}),
        ("she hasn't been herself since friday", {"confusion"}),
        ("he hasn't been feeling well", {"unwell"}),
        ("she's not been well since tuesday", {"unwell"}),
        ("my husband isn't well", {"unwell"}),
        ("he's not well", {"unwell"}),
        ("hes not well", {"unwell"}),
        ("dad's not very well", {"unwell"}),
        ("he hasnt been making sense", {"confusion"}),
        # From a probe of carers' phrasings (27 Nov): each was missed before.
        ("she's confused about what day it is", {"confusion"}),
        ("mum is unwell", {"unwell"}),
        ("he's been unwell since the infusion", {"unwell"}),
        ("dads poorly", {"unwell"}),
        ("his temps 38", {"fever"}),
        ("heart is beating at 130", {"racing_heart"}),
        ("heart's racing", {"racing_heart"}),
        ("can't get him up this morning", {"drowsiness"}),
        ("she's sleeping all the time", {"drowsiness"}),
        ("he fitted twice", {"seizure"}),
        ("his lips are going blue", {"breathing"}),
        ("can't get her breath", {"breathing"}),
        ("she's struggling to talk", {"speech"}),
        ("rigours all night", {"shivering"}),
        ("his bp is really low", {"low_blood_pressure"}),
        ("nose bleed that wont stop", {"bleeding"}),
        ("her face has gone droopy on one side", {"neuro"}),
        ("dad's not good at all", {"unwell"}),
        # a negation that another word takes for itself does not reach the sign
        ("no appetite really confused", {"confusion"}),
        ("not eating very drowsy", {"drowsiness"}),
        ("no temp shivering all over", {"shivering"}),
        ("ive never been this breathless", {"breathing"}),
        # "is that normal?" after a sign asks; it does not say the sign has gone
        ("hes really confused is that normal", {"confusion"}),
        ("mums all shivery is this normal", {"shivering"}),
        # "not sure if" / "wonder if" + a person: a report, not a hypothetical
        ("not sure if i should ring hes got a temperature", {"fever"}),
        ("i wonder if hes confused hes saying odd things", {"confusion"}),
        # a question about whom to contact, then a sign after a comma: a report
        ("whats the number, struggling to breathe", {"breathing"}),
        ("who do i call, shaking all over and burning up", {"shivering", "fever"}),
        # readings with the cue after the number, or in words
        ("its 38 on the thermometer", {"fever"}),
        ("temp is thirty eight point five", {"fever"}),
        ("her temperature is thirty nine", {"fever"}),
        ("temp thirty five point two and shivery", {"low_temperature"}),
        ("pulse a hundred and twenty", {"racing_heart"}),
        ("hi temp all day", {"fever"}),
        # how things were before is not a sign gone; "never … so" compares, it does not negate
        ("hes really confused he was fine this morning", {"confusion"}),
        ("she's drowsy she was fine yesterday", {"drowsiness"}),
        ("ive never felt so ill", {"unwell"}),
        ("he's never been so sleepy", {"drowsiness"}),
        ("never had chest pain like this before, its tight", {"chest_pain"}),
        # a sign outside a topic phrase ("avoid infection", "infection risk") still counts
        ("trying to avoid infection but his line is red and swollen", {"infection"}),
        ("we were told about infection risk and now hes shivering", {"shivering"}),
        ("how do i avoid infection, ive got a temperature of 38.5", {"fever"}),
        ("i think he has an infection, how do we avoid it spreading", {"infection"}),
    ],
)
def test_signs_are_named(detector, text, signs):
    result = detector.detect_text(text)
    assert result.urgent and signs <= set(result.signs), result


@pytest.mark.parametrize(
    "text",
    [
        "what is a fever after CAR-T?",
        "is confusion a side effect?",
        "my temperature was fine",
        "no fever today, 36.8",
        "what should I do if I get a fever?",
        "how long is the hospital stay?",
        "is the hotline open at night?",
        "temp 36.6 this morning",
        "is cart an injection or a drip",
        "how do i cook a roast chicken",
        "the national panel came back saying car t isnt right for him",
        "is car-t not right for my dad because of his age?",
        "it's not well explained on the website",
        "the ward was not well signposted",
        "I'm confused about the referral process",
        "he needs a chest x ray",
        "my phone keeps shaking",
        "hes not hot just tired",
        "im not well versed in this",
        "i feel awful for ringing again",
        "we waited hours and nobody told us anything, it's not good enough",
        "that's not good",
        # negations that still reach their sign, and hypotheticals that stay hypothetical
        "no signs of fever",
        "he hasn't had a temperature",
        "she's not very confused now",
        "no temperature or shivering",
        "not feeling drowsy at all",
        "i wonder if i'll get a fever after car t",
        "how do i know if hes having a seizure?",
        # what the treatment can cause, asked without a question mark and about nobody
        "can car t cause seizures",
        "does crs make you shaky",
        "can car-t lead to serious infections",
        # "forget" and "not respond" about questions and the cancer, not a person
        "i always forget what to ask at clinic",
        "his lymphoma hasn't responded to other treatments",
        # numbers that are not readings, and a sign asked about after a comma in an ordinary question
        "my mum is thirty eight",
        "he's 38 and we have a thermometer at home",
        "temp thirty six point eight",
        "we live forty miles from clatterbridge",
        "what is crs, fever and low blood pressure",
        "who do i call, is it the hotline or my gp",
        "who do i call if he gets a fever, the hotline?",
        "what number do i ring, just want to ask about side effects like fever",
        "who do i call, is chest pain a 999 thing or the team",
        "hi there, temperature question",
        "i have never had a fever",
        "my temp was fine",
        # a sign talked about as a topic: preventing it, its risk, screening for it
        "how do i avoid infections after car-t",
        "how do i protect my dad from infection after car-t",
        "what should we do about infection risk after car-t",
        "is there a swab or infection screen before car t treatment starts",
        "do you get tested for infections like hepatitis before car t",
    ],
)
def test_harmless_mentions_are_not_urgent(detector, text):
    assert not detector.detect_text(text).urgent


def test_a_sign_talked_about_as_a_topic_is_a_mention(detector):
    result = detector.detect_text("how do i avoid infections after car-t")
    assert not result.urgent and result.mentions == ["infection"]


def test_a_question_about_a_symptom_is_recorded_as_a_mention(detector):
    result = detector.detect_text("is confusion a side effect?")
    assert result.mentions == ["confusion"]


def test_negation_applies_only_to_its_own_sign(detector):
    result = detector.detect_text("no fever but he is very confused")
    assert result.urgent and result.signs == ["confusion"]
