"""The question matcher as a Rasa component: what it writes on a message, how Rasa's FallbackClassifier and
evaluation read it, and a model that loads as it was trained."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.fallback_classifier import (
    FallbackClassifier,
    is_fallback_classifier_prediction,
    undo_fallback_prediction,
)
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.question_matcher import ANSWER_CANDIDATES_KEY, QuestionMatcher
from assistant.settings import override
from tests.assistant.nlu.matcher_data import training_data, write_catalogue
from tests.conftest import project_config

CONTEXT = ExecutionContext(GraphSchema({}), "test")


def served_config(name: str) -> dict:
    """A component's settings as config.yml gives them."""
    (entry,) = [c for c in project_config()["pipeline"] if c["name"].endswith(name)]
    return {k: v for k, v in entry.items() if k != "name"}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A matcher trained (with the served settings) on the small catalogue, and the folder it came from."""
    folder = tmp_path_factory.mktemp("catalogue")
    nlu = write_catalogue(folder)
    config = {**served_config("QuestionMatcher"), "examples_dir": str(nlu)}
    (folder / "model").mkdir()
    storage = LocalModelStorage(folder / "model")
    resource = Resource("question_matcher")
    with override(examples_dir=None):
        matcher = QuestionMatcher.create(config, storage, resource, CONTEXT)
        matcher.train(training_data(nlu))
    return matcher, config, storage, resource


def parse(matcher: QuestionMatcher, text: str, fallback: bool = False) -> dict:
    message = Message(data={"text": text})
    matcher.process([message])
    if fallback:
        FallbackClassifier(served_config("FallbackClassifier")).process([message])
    return message.as_dict(only_output_properties=True)


def test_a_catalogue_question_gets_its_topic_and_answer_in_rasas_formats(trained):
    result = parse(trained[0], "is there any cost to having car t?")
    assert result["intent"]["name"] == "cart" and result["intent"]["confidence"] > 0.7
    selected = result["response_selector"]["cart"]
    assert selected["response"]["intent_response_key"] == "cart/cost"
    assert selected["response"]["utter_action"] == "utter_cart/cost"
    assert result["response_selector"]["default"] == selected  # Rasa's key for one selector over every answer
    assert result["response_selector"]["all_retrieval_intents"] == ["cart", "jacie"]
    assert selected["ranking"][0]["intent_response_key"] == "cart/cost"
    assert result[ANSWER_CANDIDATES_KEY][0] == "cart/cost"


def test_a_conversational_message_gets_its_intent_and_no_answer(trained):
    result = parse(trained[0], "hello there!")
    assert result["intent"]["name"] == "greet"
    assert set(result["response_selector"]) == {"all_retrieval_intents"}
    names = [entry["name"] for entry in result["intent_ranking"]]
    assert names[0] == "greet" and len(names) == len(set(names))
    confidences = [entry["confidence"] for entry in result["intent_ranking"]]
    assert confidences == sorted(confidences, reverse=True)


def test_a_vague_message_becomes_not_sure_with_the_closest_answers_kept(trained):
    """FallbackClassifier (config.yml) reads the matcher's calibrated confidence; the NLG offers the candidates."""
    result = parse(trained[0], "car", fallback=True)
    assert result["intent"]["name"] == "nlu_fallback"
    assert len(result[ANSWER_CANDIDATES_KEY]) == 3 and all("/" in c for c in result[ANSWER_CANDIDATES_KEY])


def test_rasas_evaluation_can_undo_not_sure_to_the_matchers_intent(trained):
    """``rasa test nlu`` scores the first choice under a fallback by taking the second entry of the ranking."""
    result = parse(trained[0], "car", fallback=True)
    assert is_fallback_classifier_prediction(result)
    before = parse(trained[0], "car")
    assert undo_fallback_prediction(result)["intent"] == before["intent"]


def test_a_loaded_model_answers_exactly_as_the_trained_one(trained, configure):
    matcher, config, storage, resource = trained
    configure(examples_dir=None)
    loaded = QuestionMatcher.load(config, storage, resource, CONTEXT)
    try:
        for text in ("what's jacie", "when can i drive", "good morning", "car"):
            assert parse(loaded, text) == parse(matcher, text)
    finally:
        if loaded.watcher:
            loaded.watcher.stop()


def test_live_learning_is_on_only_for_a_model_trained_from_the_watched_folder(trained, tmp_path, configure):
    matcher, config, storage, resource = trained
    assert matcher.trained_from_examples_dir
    configure(examples_dir=None)
    other = write_catalogue(tmp_path, {"greet": ["hi", "hello"], "goodbye": ["bye", "see you"]})
    fold = QuestionMatcher.create({**config, "examples_dir": str(other)}, storage, Resource("fold"), CONTEXT)
    fold.train(training_data(write_catalogue(tmp_path / "fold")))  # e.g. a cross-validation fold
    assert not fold.trained_from_examples_dir
    assert (
        QuestionMatcher.load({**config, "examples_dir": str(other)}, storage, Resource("fold"), CONTEXT).watcher is None
    )


@pytest.mark.parametrize("text", ["", " ", "\x00\x07", "🔥" * 400, "a" * 1000, "<script>alert(1)</script>"])
def test_any_text_gets_a_prediction(trained, text):
    result = parse(trained[0], text)
    assert result["intent"]["name"] and 0.0 <= result["intent"]["confidence"] <= 1.0


def test_config_runs_the_matcher_then_fallback_then_other_languages_then_the_safety_overrides():
    names = [c["name"].rsplit(".", 1)[-1] for c in project_config()["pipeline"]]
    assert names == [
        "LengthGuard",
        "QuestionMatcher",
        "FallbackClassifier",
        "OtherLanguageDetector",
        "PersonalAdviceOverride",
        "UrgentSymptomDetector",
    ]


@pytest.mark.parametrize(
    "typed, read",
    [
        ("is cart or car t or Car-T safe", "is CAR-T or CAR-T or CAR-T safe"),
        ("ok, so how do i get referred?", "how do i get referred?"),
        ("Right, what is jacie", "what is jacie"),
        ("ok thanks", "thanks"),
        ("ok", "ok"),  # nothing but an opening word: kept, or nothing would be left to match
        ("so sorry to bother you", "sorry to bother you"),
        ("well being support", "well being support"),
        ("my car is in a cartoon", "my car is in a cartoon"),
    ],
)
def test_the_served_rewrites_read_messages_as_intended(typed, read):
    from assistant.nlu.matcher_model import MatcherSettings

    settings = MatcherSettings.from_config({**QuestionMatcher.get_default_config(), **served_config("QuestionMatcher")})
    assert settings.normalise(typed) == read
