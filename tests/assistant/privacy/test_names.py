"""Names typed with no cue are hidden before storage, for every community the centre serves; medical, CAR-T
and place words never are."""

from __future__ import annotations

import pytest

from assistant.privacy.names import NameLists, name_words, origins, polish_feminine, read_not_names
from assistant.privacy.redaction import NAME, redact
from benchmarks.name_redaction import (
    held_out_names,
    hidden_words,
    medical_vocabulary,
    name_recall,
    project_messages,
    seeded_messages,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sarah jones, my dad has had a fever since last night", "[NAME], my dad has had a fever since last night"),
        ("SARAH JONES here", "[NAME] here"),
        ("is it ok for tom to drive after car-t", "is it ok for [NAME] to drive after car-t"),
        ("Grace has been shivering all night", "[NAME] has been shivering all night"),
        ("thanks, priya", "thanks, [NAME]"),
        ("message from tom ward about my dads referral", "message from [NAME] about my dads referral"),
        ("baker family here, can I ask about referral", "[NAME] family here, can I ask about referral"),
        ("mary-jane o'neill is my mum", "[NAME] is my mum"),
        ("callum fairclough, my dad has a question", "[NAME], my dad has a question"),
        ("is sarah's scan tomorrow", "is [NAME]'s scan tomorrow"),
    ],
)
def test_a_name_with_no_cue_is_hidden_in_any_case_and_place(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # Polish, with and without its letters, and a woman's form of the surname
        ("my son jan kowalski had car t", "my son [NAME] had car t"),
        ("tomasz wiśniewski, my dad has a fever", "[NAME], my dad has a fever"),
        ("tomasz wisniewski, my dad has a fever", "[NAME], my dad has a fever"),
        ("anna kowalska asking about referral", "[NAME] asking about referral"),
        ("it's for my nan, ewa wojcik", "it's for my nan, [NAME]"),
        ("MAŁGORZATA ZIELIŃSKA here", "[NAME] here"),
        # Pakistani, Bangladeshi and Arabic names in Latin letters
        ("muhammad hussain, my dad has a temperature", "[NAME], my dad has a temperature"),
        ("my wife fatima begum is shivering", "my wife [NAME] is shivering"),
        ("zainab akhtar here, can i ask about car-t", "[NAME] here, can i ask about car-t"),
        ("mohammed uddin asking for my mum", "[NAME] asking for my mum"),
        ("abdul rahman, my brother had car t", "[NAME], my brother had car t"),
        ("nusrat islam has been sick all day", "[NAME] has been sick all day"),
        ("is it ok for khalid mansour to fly", "is it ok for [NAME] to fly"),
        # Chinese: pinyin, and the Cantonese spellings of Liverpool's Chinese community
        ("wang wei here, a question about the clinic", "[NAME] here, a question about the clinic"),
        ("chan siu wai asking for his mum", "[NAME] asking for his mum"),
        ("wong ka ho, my father is confused", "[NAME], my father is confused"),
        ("ng siu ming asking", "[NAME] asking"),
        ("li xiaoming has a fever", "[NAME] has a fever"),
        ("cheung family here", "[NAME] family here"),
        # Irish and Welsh
        ("siobhán ní bhriain, my mum is unwell", "[NAME], my mum is unwell"),
        ("niamh o'sullivan asking", "[NAME] asking"),
        ("dafydd evans, my taid had car t", "[NAME], my taid had car t"),
        ("ffion gruffydd has a temperature", "[NAME] has a temperature"),
        ("my husband rhys is shivering", "my husband [NAME] is shivering"),
    ],
)
def test_names_of_the_centres_communities_are_hidden_as_patients_type_them(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my son jarek kowalski had car t", "my son [NAME] had car t"),  # "jarek": a first name in no list
        ("jan przybyszewski-kołodziej asking", "[NAME] asking"),  # a surname in no list
        ("Callum Fairclough asking", "[NAME] asking"),
    ],
)
def test_a_word_that_is_not_english_next_to_a_listed_name_is_hidden_with_it(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "whats car t therapy, is it a gene therapy thing",
        "my Hickman line is red and sore",
        "it burns when I pee",
        "hay fever tablets ok with car-t?",
        "how do i get from lime street to john lennon airport",
        "we live near Clatterbridge on the Wirral, not far from Liverpool or Chester",
        "the white blood cells are low, is ide-cel different",
        "how long will i be on the ward",
        "my mum isnt very fit, would that stop her getting car t",
        "my wife can't write her name properly today",
        "can a person call me back",
        "what is the flu/cy chemo before car-t",
        "non-medical confusion, who do non clatterbridge patients call",
        "Ta very much, that's useful ta",
        "Long term side effects?",
        "Dzień dobry, czy ktoś może mi pomóc po polsku?",
    ],
)
def test_medical_service_and_place_words_are_never_hidden(text):
    assert redact(text) == text


def test_an_english_word_after_a_name_is_kept_unless_it_is_a_british_surname():
    """ "Said" is an Arabic name; "Ward" a British surname."""
    assert redact("Dr Patel said I need car t") == f"Dr {NAME} said I need car t"
    assert redact("message from tom ward") == f"message from {NAME}"


def test_a_name_after_a_relation_is_hidden_but_not_the_words_that_follow():
    assert redact("my son tom has a temperature") == f"my son {NAME} has a temperature"
    assert redact("my mum's aftercare, who do I ask") == "my mum's aftercare, who do I ask"


def test_a_person_the_answers_name_is_still_hidden_when_a_patient_is_called_so():
    """ "Dr Muhammad Saif" is in the answers: "muhammad" is not thereby a word of the service."""
    assert redact("muhammad khan asking") == f"{NAME} asking"


def test_95_in_100_seeded_names_of_every_origin_are_hidden():
    for origin in origins():
        assert name_recall(seeded_messages(origin)).share >= 0.95, origin.name


def test_names_held_out_of_the_lists_are_taken_out_of_every_list():
    held = held_out_names(origins())
    lists = NameLists.build(exclude=held.words)
    assert held.words and not held.words & (lists.strong | lists.weak | lists.surnames)


def test_no_word_of_the_medical_and_service_vocabulary_is_hidden_in_any_project_message():
    hidden = hidden_words(project_messages())
    assert sorted(w for w in hidden if w in medical_vocabulary()) == []


def test_names_are_listed_as_typed_in_latin_letters_with_and_without_accents():
    assert name_words(["Wiśniewski", "Chia-Hao", "O'Neill", "Ó Briain", "陳"]) == {
        "wiśniewski",
        "wisniewski",
        "chia",
        "hao",
        "chiahao",
        "o'neill",
        "oneill",
        "briain",
    }
    assert polish_feminine(["kowalski", "nowak", "zielinski"]) == {"kowalska", "zielinska"}


def test_the_not_names_file_is_lower_case_and_read_as_words_and_phrases(tmp_path):
    path = tmp_path / "not_names.yml"
    path.write_text("words: [Gene, hickman]\nphrases: [John Lennon Airport]\n", encoding="utf-8")
    not_names = read_not_names(path)
    assert not_names.words == {"gene", "hickman"} and not_names.phrases == ("john lennon airport",)
