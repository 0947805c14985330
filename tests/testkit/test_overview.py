"""Given whatever results exist, the testing report shows them and says plainly what was not run."""

from __future__ import annotations

import json
from pathlib import Path

from testkit.overview import write_overview
from testkit.summary import write_results_json
from testkit.trial import HeldOutQuestion, judge, write_csv
from tests.testkit.results import sample_results, sample_summary


def row(f1: float, support: int = 10, **extra):
    return {"precision": f1, "recall": f1, "f1-score": f1, "support": support, **extra}


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_with_no_results_every_part_says_it_was_not_run_and_how_to_run_it(tmp_path):
    page = write_overview(tmp_path).read_text(encoding="utf-8")
    assert page.count("Not run:") == 4
    for command in ("make test-e2e", "make test-stories", "make crossval", "make test-trial"):
        assert f"<code>{command}</code>" in page


def test_all_four_parts_are_gathered_with_figures_weak_labels_and_images(tmp_path):
    (tmp_path / "e2e").mkdir()
    write_results_json(sample_results(), sample_summary(), tmp_path / "e2e" / "results.json")
    write_json(
        tmp_path / "stories" / "story_report.json",
        {
            "utter_greet": row(1.0),
            "action_handoff": row(0.5),
            "accuracy": 0.96,
            "macro avg": row(0.75),
            "weighted avg": row(0.9),
            "conversation_accuracy": {"accuracy": 0.9, "correct": 9, "with_warnings": 0, "total": 10},
        },
    )
    (tmp_path / "stories" / "failed_test_stories.yml").write_text(
        "version: '3.1'\nstories:\n- story: a complaint goes to PALS (tests/test_conversation.yml)\n  steps: []\n",
        encoding="utf-8",
    )
    write_json(
        tmp_path / "crossval" / "intent_report.json",
        {
            "greet": row(0.98),
            "handoff": row(0.62, confused_with={"bot_challenge": 3}),
            "accuracy": 0.93,
            "macro avg": row(0.8),
            "weighted avg": row(0.91),
        },
    )
    write_json(
        tmp_path / "crossval" / "response_selection_report.json",
        {
            "cart/what_is": row(0.95),
            "cart/driving": row(0.4, confused_with={"cart/recovery_follow_up": 2}),
            "accuracy": 0.85,
            "macro avg": row(0.71),
            "weighted avg": row(0.84),
        },
    )
    for image in ("intent_confusion_matrix.png", "intent_histogram.png", "response_selection_histogram.png"):
        (tmp_path / "crossval" / image).write_bytes(b"\x89PNG\r\n")
    verdicts = [
        judge(
            HeldOutQuestion("when can he drive", "cart/driving", "t #1"),
            [{"metadata": {"answer_id": "cart/driving"}}],
            {},
        ),
        judge(
            HeldOutQuestion("antibodies low?", "cart/low_antibodies", "t #2"),
            [{"metadata": {"answer_id": "clarify"}, "buttons": [{"payload": "What are low antibodies?"}]}],
            {"what are low antibodies": "cart/low_antibodies"},
        ),
        judge(
            HeldOutQuestion("who runs jacie", "jacie/stands_for", "t #3"),
            [{"metadata": {"answer_id": "jacie/what_is"}}],
            {},
        ),
    ]
    write_csv(verdicts, tmp_path / "trial" / "trial.csv")

    page = write_overview(tmp_path).read_text(encoding="utf-8")
    assert "Not run:" not in page
    assert '1 passed, <span class="low">1 failed</span>, 1 known issues' in page
    assert '<a href="e2e/report.html">' in page and "Hands over out of hours" in page
    assert "<strong>9 of 10</strong> test stories fully correct (90.0%)" in page
    assert "a complaint goes to PALS (tests/test_conversation.yml)" in page
    assert "intent macro F1 0.800, answer macro F1 0.710" in page
    assert "bot_challenge (3)" in page and "cart/recovery_follow_up (2)" in page
    for image in (
        "crossval/intent_confusion_matrix.png",
        "crossval/intent_histogram.png",
        "crossval/response_selection_histogram.png",
    ):
        assert f'<img src="{image}"' in page
    assert "response_selection_confusion_matrix.png" not in page  # only images that exist
    assert '1 of 3 right, 1 not sure, <span class="low">1 wrong</span>' in page
    assert "(1 with the right answer among them)" in page
    assert "who runs jacie" in page and "jacie/what_is" in page and "when can he drive" not in page  # misses only


def test_unreadable_result_files_count_as_not_run_rather_than_crash(tmp_path):
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "story_report.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "trial").mkdir()
    (tmp_path / "trial" / "trial.csv").write_bytes(b"\xff\xfe not a csv of ours")
    page = write_overview(tmp_path).read_text(encoding="utf-8")
    assert "no rasa test story results" in page
    assert "no held-out question trial results" in page
