"""Given scenario files, pytest collects each scenario as a test, selects them with its own options and
reports them as testers expect (pytester runs pytest on a throw-away project; the assistant is a stand-in)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.testkit.fake_assistant import FakeAssistant

pytest_plugins = ["pytester"]

SCENARIOS = """\
scenarios:
- name: Asks what CAR-T is
  tags: [cart]
  steps:
  - say: what is car-t
    expect:
      answer: cart/what_is
- name: Needs a person when the actions are down
  tags: [degraded]
  settings:
    action_server: stopped
  steps:
  - say: what is car-t
- name: Hands over in the evening
  tags: [handoff]
  settings:
    clock: "2026-11-25 20:00"
  steps:
  - say: /handoff
- name: Expects the wrong answer
  tags: [jacie]
  steps:
  - say: what is car-t
    expect:
      answer: jacie/what_is
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project with one scenario file in tests/e2e, the plugin enabled as pyproject.toml does."""
    pytester.makeini("[pytest]\naddopts = -p testkit.e2e_plugin -p no:cacheprovider\n")
    folder = pytester.path / "tests" / "e2e"
    folder.mkdir(parents=True)
    (folder / "talks.yml").write_text(SCENARIOS, encoding="utf-8")
    return pytester


def test_each_scenario_is_a_test_marked_e2e_and_tags_select_with_k(project: pytest.Pytester):
    listed = project.runpytest_inprocess("--collect-only", "-q", "-m", "e2e")
    listed.stdout.fnmatch_lines(
        ["tests/e2e/talks.yml::Asks what CAR-T is", "tests/e2e/talks.yml::Hands over in the evening"]
    )
    tagged = project.runpytest_inprocess("--collect-only", "-q", "-k", "handoff or degraded")
    assert [line for line in tagged.outlines if "::" in line] == [
        "tests/e2e/talks.yml::Hands over in the evening",
        "tests/e2e/talks.yml::Needs a person when the actions are down",
    ]


def test_scenarios_that_stop_the_action_server_run_after_all_the_others(project: pytest.Pytester):
    listed = project.runpytest_inprocess("--collect-only", "-q")
    names = [line.split("::")[1] for line in listed.outlines if "::" in line]
    assert names[-1] == "Needs a person when the actions are down" and len(names) == 4


def test_a_file_with_mistakes_is_a_collection_error_naming_each_line_without_a_traceback(project: pytest.Pytester):
    (project.path / "tests" / "e2e" / "broken.yml").write_text(
        "scenarios:\n- name: Broken\n  steps:\n  - sya: hello\n", encoding="utf-8"
    )
    result = project.runpytest_inprocess("--collect-only", "-q")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*2 mistakes in this scenario file:*", "*line 4*'sya'*did you mean 'say'?*"])
    assert "Traceback" not in result.stdout.str()


def test_played_on_a_running_assistant_failures_show_the_transcript_and_the_reports_are_written(
    project: pytest.Pytester, fake_webhook: str, tmp_path: Path
):
    out = tmp_path / "e2e"
    result = project.runpytest_inprocess(
        f"--e2e-url={fake_webhook}", f"--e2e-out={out}", "-rs", f"--junitxml={tmp_path / 'junit.xml'}"
    )
    result.assert_outcomes(passed=1, failed=1, skipped=2)
    result.stdout.fnmatch_lines(
        [
            "*step 1 (types “what is car-t”): expected answer jacie/what_is; answer ids served: “cart/what_is”*",
            "*[[]FAIL] answer jacie/what_is*",
            "e2e: 1 passed, 1 failed (2 skipped) in * s",
            "*sets the clock: run it with `make test-e2e`*",
            "*needs the action server stopped*",
        ]
    )
    assert [r["message"] for r in FakeAssistant.requests] == ["what is car-t", "what is car-t"]
    report = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert report["summary"]["failed"] == 1 and report["summary"]["skipped"] == 2
    assert "Expects the wrong answer" in (out / "report.html").read_text(encoding="utf-8")
    [failure] = ET.parse(tmp_path / "junit.xml").getroot().iter("failure")
    assert "expected answer jacie/what_is" in (failure.get("message") or "") + (failure.text or "")


def test_a_known_issue_that_still_fails_is_an_expected_failure(
    project: pytest.Pytester, fake_webhook: str, tmp_path: Path
):
    (project.path / "tests" / "e2e" / "talks.yml").write_text(
        SCENARIOS.replace("  tags: [jacie]\n", "  tags: [jacie]\n  known_issue: the matcher mixes the two up\n"),
        encoding="utf-8",
    )
    result = project.runpytest_inprocess(f"--e2e-url={fake_webhook}", f"--e2e-out={tmp_path}", "-k", "jacie", "-rx")
    result.assert_outcomes(xfailed=1)
    result.stdout.fnmatch_lines(["*known issue: the matcher mixes the two up*"])


def test_no_assistant_at_the_url_fails_every_scenario_saying_so(project: pytest.Pytester, tmp_path: Path):
    result = project.runpytest_inprocess(
        "--e2e-url=http://127.0.0.1:9/webhooks/rest/webhook", f"--e2e-out={tmp_path}", "-k", "cart or jacie"
    )
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        ["*no assistant answers at http://127.0.0.1:9/webhooks/rest/webhook: start one with `make run`*"]
    )
