"""Held-out trials: each reply is sorted as the patient meets it, and the question files stay held out."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest

from assistant.content.catalogue import load_catalogue
from testkit.trial import (
    HELD_OUT_DIR,
    NOT_SURE,
    RIGHT,
    WRONG,
    HeldOutQuestion,
    TrialFileError,
    answer_ids_by_button,
    domain_reply_ids,
    judge,
    load_questions,
    run_trial,
    tally_line,
    write_csv,
)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def buttons(catalogue) -> Dict[str, str]:
    return answer_ids_by_button(catalogue)


def question(expected: str = "cart/driving", text: str = "when can my husband drive again") -> HeldOutQuestion:
    return HeldOutQuestion(text, expected, "test #1")


def clarify(*payloads: str) -> List[Dict[str, Any]]:
    return [
        {
            "text": "I'm not sure I understood. Did you mean one of these?",
            "metadata": {"answer_id": "clarify"},
            "buttons": [{"title": p, "payload": p} for p in payloads]
            + [{"title": "Talk to a person", "payload": "/handoff"}],
        }
    ]


def canonical(catalogue, key: str) -> str:
    return str(catalogue.answers[key].metadata["question"])


def test_the_expected_answer_is_right():
    reply = [{"text": "You must not drive for at least 8 weeks.", "metadata": {"answer_id": "cart/driving"}}]
    assert judge(question(), reply, {}).outcome == RIGHT


def test_another_answer_is_wrong_and_names_what_was_served():
    verdict = judge(question(), [{"text": "…", "metadata": {"answer_id": "cart/stay_near_centre"}}], {})
    assert (verdict.outcome, verdict.detail) == (WRONG, "cart/stay_near_centre")


def test_a_reply_without_an_answer_id_is_wrong():
    assert judge(question(), [{"text": "Sorry, something went wrong."}], {}).outcome == WRONG


def test_did_you_mean_buttons_are_not_sure_and_say_whether_the_right_answer_was_offered(catalogue, buttons):
    offered = judge(
        question(), clarify(canonical(catalogue, "cart/driving"), canonical(catalogue, "cart/crs")), buttons
    )
    assert offered.outcome == NOT_SURE and offered.offered == ("cart/driving", "cart/crs") and offered.expected_offered
    assert "right one offered" in offered.detail
    missed = judge(question(), clarify(canonical(catalogue, "cart/crs")), buttons)
    assert missed.outcome == NOT_SURE and not missed.expected_offered and "NOT offered" in missed.detail


def test_every_question_is_a_new_conversation_and_the_tally_counts_each_outcome(catalogue, buttons):
    replies = {
        "a": [{"metadata": {"answer_id": "cart/driving"}}],
        "b": clarify(canonical(catalogue, "cart/driving")),
        "c": [{"metadata": {"answer_id": "cart/crs"}}],
    }
    senders = []

    def say(sender: str, text: str):
        senders.append(sender)
        return replies[text]

    verdicts = run_trial([question(text=t) for t in "abc"], say, buttons)
    assert [v.outcome for v in verdicts] == [RIGHT, NOT_SURE, WRONG]
    assert len(set(senders)) == 3
    assert tally_line(verdicts) == "trial: 3 questions: 1 right, 1 not sure (1 with the right answer offered), 1 wrong"


def test_a_follow_up_is_asked_after_its_earlier_messages_in_the_same_conversation_and_only_its_reply_is_judged(
    buttons,
):
    said = []

    def say(sender: str, text: str):
        said.append((sender, text))
        return [{"metadata": {"answer_id": "cart/crs" if text == "what is crs" else "cart/icans"}}]

    follow_up = HeldOutQuestion("and the other one?", "cart/icans", "t #1", ("what is crs",))
    first_only = HeldOutQuestion("what is crs", "cart/icans", "t #2")
    verdicts = run_trial([follow_up, first_only], say, buttons)
    assert [v.outcome for v in verdicts] == [RIGHT, WRONG]
    assert [t for _, t in said] == ["what is crs", "and the other one?", "what is crs"]
    assert said[0][0] == said[1][0] != said[2][0]


def test_a_question_may_expect_a_reply_of_the_domain_marked_with_an_answer_id(tmp_path: Path, catalogue):
    assert {"out_of_scope", "urgent_help"} <= domain_reply_ids()
    questions = load_questions(
        [write(tmp_path, '- text: "what does a pint of milk cost at tesco"\n  expected: out_of_scope\n')], catalogue
    )
    assert [q.expected for q in questions] == ["out_of_scope"]
    reply = [{"text": "Sorry, I can only help with…", "metadata": {"answer_id": "out_of_scope"}}]
    assert judge(questions[0], reply, {}).outcome == RIGHT
    assert judge(questions[0], clarify(canonical(catalogue, "cart/cost")), answer_ids_by_button(catalogue)).outcome == (
        NOT_SURE
    )


def test_a_domain_without_replies_or_unreadable_gives_no_reply_ids(tmp_path: Path):
    (tmp_path / "domain.yml").write_text("responses:\n  utter_hi:\n  - text: hi\n", encoding="utf-8")
    assert domain_reply_ids(tmp_path / "domain.yml") == set()
    assert domain_reply_ids(tmp_path / "missing.yml") == set()


def test_follow_ups_load_with_what_they_follow_and_a_bad_after_is_refused(tmp_path: Path, catalogue):
    path = write(
        tmp_path,
        """
- text: "and the other one?"
  after: ["what is crs"]
  expected: cart/icans
- text: "and the other one?"
  after: ["what is icans"]
  expected: cart/crs
""",
    )
    questions = load_questions([path], catalogue)
    assert [(q.after, q.expected) for q in questions] == [
        (("what is crs",), "cart/icans"),
        (("what is icans",), "cart/crs"),
    ]
    bad = write(tmp_path, '- text: "and the other one?"\n  after: what is crs\n  expected: cart/icans\n')
    with pytest.raises(TrialFileError, match="'after' must be a list"):
        load_questions([bad], catalogue)


def test_the_same_follow_up_after_the_same_messages_is_asked_twice(tmp_path: Path, catalogue):
    path = write(
        tmp_path,
        '- text: "and the other one?"\n  after: ["what is crs"]\n  expected: cart/icans\n' * 2,
    )
    with pytest.raises(TrialFileError, match="asked already at"):
        load_questions([path], catalogue)


def test_the_csv_has_one_row_per_question(tmp_path: Path):
    verdict = judge(question(), [{"metadata": {"answer_id": "cart/crs"}}], {})
    write_csv([verdict], tmp_path / "trial" / "trial.csv")
    lines = (tmp_path / "trial" / "trial.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("question,expected,outcome") and "cart/crs" in lines[1] and len(lines) == 2
    follow_up = HeldOutQuestion("and the other one?", "cart/icans", "t #2", ("what is crs",))
    write_csv([judge(follow_up, [{"metadata": {"answer_id": "cart/icans"}}], {})], tmp_path / "f.csv")
    assert (tmp_path / "f.csv").read_text(encoding="utf-8").splitlines()[1].endswith("what is crs")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "questions.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_question_file_mistakes_are_all_reported(tmp_path: Path, catalogue):
    example = catalogue.examples_for("cart/driving")[0].text
    path = write(
        tmp_path,
        f"""
- text: "can my dad drive home after his car t"
  expected: cart/drving
- text: "{example}"
  expected: cart/driving
- text: "is there parking"
- text: "can my dad drive home after his car-t?"
  expected: cart/driving
""",
    )
    with pytest.raises(TrialFileError) as error:
        load_questions([path], catalogue)
    problems = "\n".join(error.value.problems)
    assert "'cart/drving' is not an answer" in problems
    assert "is (nearly) the training example" in problems
    assert "needs a 'text' and an 'expected'" in problems
    assert "asked already at" in problems


def test_a_file_that_is_not_a_list_is_refused(tmp_path: Path, catalogue):
    with pytest.raises(TrialFileError, match="must be a list"):
        load_questions([write(tmp_path, "text: hello\n")], catalogue)


def test_the_projects_held_out_questions_are_valid_and_not_in_the_training_data(catalogue):
    """Copying a held-out question into data/nlu would make the trial measure memory: this fails then."""
    questions = load_questions([HELD_OUT_DIR], catalogue)
    assert len(questions) >= 20
    assert len({q.expected for q in questions}) >= 20
    assert any(q.after for q in questions) and any(q.expected == "out_of_scope" for q in questions)


def test_the_command_refuses_a_file_with_mistakes_before_starting_anything(tmp_path: Path, capsys):
    from testkit.__main__ import main

    path = write(tmp_path, '- text: "when can he drive again"\n  expected: cart/no_such_answer\n')
    assert main(["trial", str(path), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "the question files have 1 mistake(s)" in error and "cart/no_such_answer" in error
    assert not (tmp_path / "out").exists()
