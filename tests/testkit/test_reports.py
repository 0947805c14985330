"""Given scenario results, testers see failures clearly in HTML, and CI systems read the JUnit XML."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from testkit.html_report import write_html
from testkit.junit_report import write_junit
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
    assert '1 scenario failed:' in page and '<a href="#cart-9">Hands over out of hours</a>' in page
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
    assert '<span class="answer-id">clarify</span>' in page and '<span class="button" title="/handoff">Talk to a person</span>' in page
    assert "<link" not in page and "http://" not in page and "https://" not in page  # self-contained, no CDN


def test_junit_xml_has_a_suite_per_file_a_failure_with_its_reason_and_known_issues_as_skipped(tmp_path):
    write_junit(sample_results(), tmp_path / "junit.xml")
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "1" and root.get("skipped") == "1"
    assert sorted(s.get("name") for s in root.iter("testsuite")) == ["e2e.cart", "e2e.service"]
    [failure] = root.iter("failure")
    assert failure.get("message") == "step 1 (types “what is car-t <b>now</b>”): expected answer cart/what_is; answer ids served: “clarify”"
    assert "[FAIL] answer cart/what_is" in failure.text and "buttons: Talk to a person" in failure.text and "2. patient clicks “Talk to a person”" in failure.text
    [skipped] = root.iter("skipped")
    assert skipped.get("message") == "known issue: relay placeholder"


def test_results_json_keeps_what_the_testing_report_needs(tmp_path):
    write_results_json(sample_results(), sample_summary(), tmp_path / "results.json")
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert data["summary"]["passed"] == 1 and data["summary"]["failed"] == 1 and data["summary"]["known_issues"] == 1
    assert [s["status"] for s in data["scenarios"]] == ["passed", "failed", "known issue"]
    assert data["scenarios"][1]["file"] == "tests/e2e/cart.yml" and data["scenarios"][1]["line"] == 9
