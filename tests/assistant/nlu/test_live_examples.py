"""Live learning: example questions saved by staff are used by the running matcher, and a file with a
mistake is refused in plain words while the model in service keeps answering."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from assistant.nlu.live_examples import ExampleWatcher, check_examples, read_example_files
from assistant.nlu.question_matcher import QuestionMatcher
from tests.assistant.nlu.matcher_data import EXAMPLES, nlu_yaml, responses_yaml, training_data, write_catalogue
from tests.assistant.nlu.test_question_matcher import parse, served_config

CONTEXT = ExecutionContext(GraphSchema({}), "test")
NEW_WORDING = "is a journey in my own vehicle ok after the cells"


@pytest.fixture()
def catalogue(tmp_path, configure):
    """A fresh catalogue folder and a matcher trained from it, served answers from its responses folder."""
    nlu = write_catalogue(tmp_path)
    configure(examples_dir=None, responses_dir=tmp_path / "responses")
    (tmp_path / "model").mkdir()
    config = {**served_config("QuestionMatcher"), "examples_dir": str(nlu)}
    matcher = QuestionMatcher.create(config, LocalModelStorage(tmp_path / "model"), Resource("m"), CONTEXT)
    matcher.train(training_data(nlu))
    return tmp_path, nlu, matcher


def watcher_for(nlu, matcher) -> ExampleWatcher:
    watcher = ExampleWatcher(nlu, matcher, interval=0.1)
    assert watcher.check_once() is False  # the first look finds the examples the model was trained on
    return watcher


def save(nlu, topic: str, examples: dict) -> None:
    path = nlu / f"{topic}.yml"
    path.write_text(nlu_yaml(examples), encoding="utf-8")
    time.sleep(0.01)


def cart_examples(**changes) -> dict:
    cart = {k: list(v) for k, v in EXAMPLES.items() if k.startswith("cart/")}
    for label, texts in changes.items():
        cart[label.replace("__", "/")] = texts
    return cart


def test_an_added_example_is_used_without_a_restart(catalogue):
    _, nlu, matcher = catalogue
    watcher = watcher_for(nlu, matcher)
    before = {text: parse(matcher, text)["intent"] for text in ("what is car t", "hello", "what is jacie")}
    save(nlu, "cart", cart_examples(cart__driving=EXAMPLES["cart/driving"] + [NEW_WORDING]))
    assert watcher.check_once() is True
    assert (NEW_WORDING, "cart/driving") in matcher.examples
    result = parse(matcher, NEW_WORDING)
    assert result["response_selector"]["cart"]["response"]["intent_response_key"] == "cart/driving"
    assert {text: parse(matcher, text)["intent"]["name"] for text in before} == {
        text: intent["name"] for text, intent in before.items()
    }


def test_a_moved_example_belongs_to_its_new_answer(catalogue):
    _, nlu, matcher = catalogue
    watcher = watcher_for(nlu, matcher)
    moved = "can i afford car t"
    save(
        nlu,
        "cart",
        cart_examples(
            cart__cost=[t for t in EXAMPLES["cart/cost"] if t != moved],
            cart__what_is=EXAMPLES["cart/what_is"] + [moved],
        ),
    )
    assert watcher.check_once() is True
    assert (moved, "cart/what_is") in matcher.examples and (moved, "cart/cost") not in matcher.examples


def test_saving_the_same_examples_again_does_not_retrain(catalogue):
    _, nlu, matcher = catalogue
    watcher = watcher_for(nlu, matcher)
    model = matcher.model
    save(nlu, "cart", cart_examples())
    assert watcher.check_once() is False and matcher.model is model


def test_a_new_answer_in_a_known_topic_is_learnt_with_its_examples(catalogue):
    folder, nlu, matcher = catalogue
    watcher = watcher_for(nlu, matcher)
    answers = [k for k in EXAMPLES if "/" in k] + ["cart/parking"]
    (folder / "responses" / "answers.yml").write_text(responses_yaml(answers), encoding="utf-8")
    parking = [
        "where do i park",
        "is there parking at the hospital",
        "car park charges",
        "can my wife park free",
        "parking for patients",
        "where can visitors leave the car",
    ]
    save(nlu, "cart", cart_examples(cart__parking=parking))
    assert watcher.check_once() is True
    assert "cart/parking" in matcher.model.labels


@pytest.mark.parametrize(
    "broken, says",
    [
        (
            'version: "3.1"\nnlu:\n- intent: cart/what_is\n  examples: |\n    - what is car t\n   - bad indent: [\n',
            "cart.yml:",
        ),
        (
            'version: "3.1"\nnlu:\n- intnt: cart/what_is\n  examples: |\n    - what is car t\n',
            "not in the format for example questions",
        ),
    ],
)
def test_a_file_with_a_mistake_is_refused_and_the_model_kept(catalogue, caplog, broken, says):
    _, nlu, matcher = catalogue
    watcher = watcher_for(nlu, matcher)
    model, examples = matcher.model, list(matcher.examples)
    (nlu / "cart.yml").write_text(broken, encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        assert watcher.check_once() is False
    assert matcher.model is model and matcher.examples == examples
    assert "NOT used" in caplog.text and says in caplog.text
    assert "Traceback" not in caplog.text
    assert parse(matcher, "when can i drive after car t")["intent"]["name"] == "cart"


def test_the_same_refusal_is_logged_once_and_a_fix_is_then_learnt(catalogue, caplog):
    _, nlu, matcher = catalogue
    watcher = watcher_for(nlu, matcher)
    save(nlu, "cart", cart_examples(cart__what_iss=["what is car t really"]))
    with caplog.at_level(logging.ERROR):
        assert watcher.check_once() is False
        save(nlu, "jacie", {"jacie/what_is": EXAMPLES["jacie/what_is"]})
        assert watcher.check_once() is False
    assert caplog.text.count("NOT used") == 1
    save(nlu, "cart", cart_examples(cart__what_is=EXAMPLES["cart/what_is"] + ["what is car t really"]))
    assert watcher.check_once() is True


def problems(nlu, matcher) -> list:
    return check_examples(
        read_example_files(nlu),
        set(matcher.model.labels),
        set(matcher.retrieval_intents),
        {k for k in EXAMPLES if "/" in k},
    )


def test_an_unknown_answer_is_named_with_its_file_and_line(catalogue):
    _, nlu, matcher = catalogue
    save(nlu, "cart", cart_examples(cart__what_iss=["what is car t exactly"]))
    (problem,) = problems(nlu, matcher)
    assert "cart.yml:" in problem and "'cart/what_iss' is not an answer in data/responses/" in problem


def test_a_new_kind_of_message_needs_a_retrain(catalogue):
    _, nlu, matcher = catalogue
    save(
        nlu,
        "conversation",
        {**{k: EXAMPLES[k] for k in ("greet", "goodbye", "out_of_scope")}, "thank": ["thanks", "thank you"]},
    )
    (problem,) = problems(nlu, matcher)
    assert "'thank' is not a kind of message the assistant knows" in problem and "make train" in problem


def test_the_same_example_under_two_answers_is_refused(catalogue):
    _, nlu, matcher = catalogue
    save(nlu, "cart", cart_examples(cart__cost=EXAMPLES["cart/cost"] + ["What is CAR-T?"]))
    (problem,) = problems(nlu, matcher)
    assert '"What is CAR-T?" is also an example of cart/' in problem


def test_an_answer_left_without_examples_is_refused(catalogue):
    _, nlu, matcher = catalogue
    save(nlu, "jacie", {})
    assert any("'jacie/what_is' has no example questions left" in p for p in problems(nlu, matcher))


def test_the_running_watcher_learns_a_saved_example_by_itself(catalogue):
    _, nlu, matcher = catalogue
    watcher = ExampleWatcher(nlu, matcher, interval=0.1)
    watcher.thread.start()
    try:
        save(nlu, "cart", cart_examples(cart__driving=EXAMPLES["cart/driving"] + [NEW_WORDING]))
        deadline = time.monotonic() + 120
        while (NEW_WORDING, "cart/driving") not in matcher.examples and time.monotonic() < deadline:
            time.sleep(0.1)
        assert (NEW_WORDING, "cart/driving") in matcher.examples
    finally:
        watcher.stop()


def test_learning_gives_way_to_patients_turns(catalogue):
    """The watcher thread runs at a lower priority and, while it learns, hands the interpreter back often."""
    import os
    import sys

    from assistant.nlu.live_examples import LEARNING_NICENESS, interpreter_shared_often

    _, nlu, matcher = catalogue
    watcher = ExampleWatcher(nlu, matcher, interval=0.05)
    before = sys.getswitchinterval()
    with interpreter_shared_often(0.0001):
        assert sys.getswitchinterval() == pytest.approx(0.0001)
    assert sys.getswitchinterval() == before
    watcher.thread.start()
    try:
        deadline = time.monotonic() + 5
        while watcher.thread.native_id is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
        if sys.platform.startswith("linux"):
            own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            assert watcher.thread.native_id is not None
            assert os.getpriority(os.PRIO_PROCESS, watcher.thread.native_id) == own + LEARNING_NICENESS
    finally:
        watcher.stop()
