"""Given scenario results, testers see failures clearly in HTML and in the console's transcript."""

from __future__ import annotations

import json

from testkit.html_report import write_html
from testkit.runner import transcript
from testkit.summary import write_results_json
from tests.testkit.results import sample_results, sample_summary


def test_the_summary_line_counts_passed_and_failed_and_mentions_known_issues():
    summary = sample_summary()
    assert summary.line == "e2e: 1 passed, 1 failed"
    assert summary.extras == "1 known issue(s)"


def test_the_html_report_lists_failures_first_and_highlights_the_failing_expectation(tmp_path):
    write_html(sample_results(), sample_summary(), tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<title>FAILED: end-to-end scenarios</title>" in page
    assert "1 scenario failed:" in page and '<a href="#cart-9">Hands over out of hours</a>' in page
    assert '<li class="bad">expected answer cart/what_is: answer ids served: “clarify”</li>' in page
    assert '<details class="scenario failed" id="cart-9" open>' in page
    assert '<details class="scenario passed" id="cart-2">' in page  # passed ones are folded
    assert "not run (an earlier step failed)" in page
    assert "1 known issue (reported defects; not counted as failures)" in page and "relay placeholder" in page


def test_the_html_report_shows_the_conversation_safely_as_the_patient_saw_it(tmp_path):
    write_html(sample_results(), sample_summary(), tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "It is <strong>immunotherapy</strong>." in page
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "what is car-t &lt;b&gt;now&lt;/b&gt;" in page
    assert (
        '<span class="answer-id">clarify</span>' in page
        and '<span class="button" title="/handoff">Talk to a person</span>' in page
    )
    assert "<link" not in page and "http://" not in page and "https://" not in page  # self-contained, no CDN


def test_the_transcript_marks_each_expectation_and_says_which_steps_were_not_run():
    failed = sample_results()[1]
    text = transcript(failed)
    assert "1. patient types “what is car-t <b>now</b>”" in text
    assert "[FAIL] answer cart/what_is: answer ids served: “clarify”" in text
    assert "buttons: Talk to a person" in text
    assert "2. patient clicks “Talk to a person”\n   !! not run" in text


def test_results_json_keeps_what_the_testing_report_needs(tmp_path):
    write_results_json(sample_results(), sample_summary(), tmp_path / "results.json")
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert data["summary"]["passed"] == 1 and data["summary"]["failed"] == 1 and data["summary"]["known_issues"] == 1
    assert [s["status"] for s in data["scenarios"]] == ["passed", "failed", "known issue"]
    assert data["scenarios"][1]["file"] == "tests/e2e/cart.yml" and data["scenarios"][1]["line"] == 9
