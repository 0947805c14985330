"""Names typed with no cue are hidden before storage; medical, CAR-T and place words never are."""
from __future__ import annotations

import pytest

from assistant.privacy.names import NAME_LOCALES, NameLists, read_not_names
from assistant.privacy.redaction import NAME, redact
from benchmarks.name_redaction import hidden_words, medical_vocabulary, name_recall, project_messages


@pytest.mark.parametrize("text, expected", [
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
])
def test_a_name_with_no_cue_is_hidden_in_any_case_and_place(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
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
])
def test_medical_service_and_place_words_are_never_hidden(text):
    assert redact(text) == text


def test_a_name_after_a_relation_is_hidden_but_not_the_words_that_follow():
    assert redact("my son tom has a temperature") == f"my son {NAME} has a temperature"
    assert redact("my mum's aftercare, who do I ask") == "my mum's aftercare, who do I ask"


def test_95_in_100_seeded_british_names_are_hidden_even_by_lists_without_them():
    """The served lists hide 95% or more, and so do lists that leave the British names out (names the
    lists do not hold are caught next to a first name)."""
    assert name_recall().share >= 0.95
    held_out = NameLists.build([locale for locale in NAME_LOCALES if locale != "en_GB"])
    assert name_recall(held_out).share >= 0.95


def test_no_word_of_the_medical_and_service_vocabulary_is_hidden_in_any_project_message():
    hidden = hidden_words(project_messages())
    assert sorted(w for w in hidden if w in medical_vocabulary()) == []


def test_the_not_names_file_is_lower_case_and_read_as_words_and_phrases(tmp_path):
    path = tmp_path / "not_names.yml"
    path.write_text("words: [Gene, hickman]\nphrases: [John Lennon Airport]\n", encoding="utf-8")
    not_names = read_not_names(path)
    assert not_names.words == {"gene", "hickman"} and not_names.phrases == ("john lennon airport",)
