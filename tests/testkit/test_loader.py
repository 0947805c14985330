"""Given a scenario file, the tester gets scenarios, or every mistake in plain words with its line."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from testkit.loader import ProjectFacts, ScenarioFileError, load_scenarios
from testkit.scenario import STOPPED

FACTS = ProjectFacts(
    answers={"cart/what_is", "cart/crs", "jacie/what_is", "urgent_help", "clarify", "service_degraded"},
    contacts={"hotline", "pals", "haematology"},
    details={"hotline_phone": "0800 000 0001", "hotline_name": "Test Hotline"},
)


def write(tmp_path: Path, text: str, name: str = "example.yml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list:
    with pytest.raises(ScenarioFileError) as error:
        load_scenarios([write(tmp_path, text)], FACTS)
    return [str(p) for p in error.value.problems]


def test_contact_details_are_filled_from_the_contacts_and_a_wrong_one_is_named(tmp_path):
    path = write(
        tmp_path,
        """
        scenarios:
        - name: Urgent help names the Hotline
          steps:
          - say: i have a fever
            expect:
              says: ["{hotline_name} on {hotline_phone}", "999"]
              does_not_say: "{hotline_phone} is closed"
    """,
    )
    [scenario] = load_scenarios([path], FACTS)
    assert scenario.steps[0].expect.says == ("Test Hotline on 0800 000 0001", "999")
    assert scenario.steps[0].expect.does_not_say == ("0800 000 0001 is closed",)
    found = problems(
        tmp_path,
        """
        scenarios:
        - name: A typo in a detail
          steps:
          - say: hello
            expect:
              says: ["{hotline_phon}", "{pals_fax}"]
    """,
    )
    assert found == [
        f"{tmp_path / 'example.yml'}, line 6: step 1 of scenario 'A typo in a detail': there is no contact detail "
        "'{hotline_phon}' in content/contacts.yml; did you mean '{hotline_phone}'?",
        f"{tmp_path / 'example.yml'}, line 6: step 1 of scenario 'A typo in a detail': there is no contact detail "
        "'{pals_fax}' in content/contacts.yml; write '{<contact>_<name, phone, email, hours or url>}', e.g. '{hotline_phone}'",
    ]


def test_a_full_scenario_is_read_with_its_settings_steps_and_expectations(tmp_path):
    path = write(
        tmp_path,
        """
        scenarios:
        - name: Out of hours handoff
          tags: [handoff]
          settings:
            clock: "2026-12-25 10:00"
            action_server: stopped
          steps:
          - say: what is crs
            expect:
              answer: cart/*
              says: [cytokine, Hotline]
              urgent_help_first: false
          - click: Talk to a person
            expect:
              contact_card: [hotline]
              unsure: false
          - say: "fever "
            repeat: 3
            expect:
              status: 413
    """,
    )
    [scenario] = load_scenarios([path], FACTS)
    assert scenario.name == "Out of hours handoff" and scenario.line == 2 and scenario.tags == ("handoff",)
    assert scenario.settings.clock == dt.datetime(2026, 12, 25, 10, 0)
    assert scenario.settings.action_server == STOPPED
    first, click, long = scenario.steps
    assert first.say == "what is crs" and first.line == 8
    assert first.expect.answer == "cart/*" and first.expect.says == ("cytokine", "Hotline")
    assert first.expect.urgent_help_first is False
    assert click.click == "Talk to a person" and click.expect.contact_card == ("hotline",)
    assert long.message == "fever fever fever " and long.expect.status == 413


def test_a_misspelt_key_is_named_with_its_line_and_a_suggestion(tmp_path):
    found = problems(
        tmp_path,
        """
        scenarios:
        - name: Typo
          steps:
          - sayy: hello
    """,
    )
    assert any("line 4" in p and "'sayy' is not a key of a step; did you mean 'say'?" in p for p in found)


def test_an_unknown_expectation_is_named_with_a_suggestion(tmp_path):
    found = problems(
        tmp_path,
        """
        scenarios:
        - name: Typo in expect
          steps:
          - say: hello
            expect:
              button: Talk to a person
    """,
    )
    assert found == [f"{tmp_path / 'example.yml'}, line 6: 'button' is not a key under expect; did you mean 'buttons'?"]


def test_an_answer_id_that_does_not_exist_is_caught_before_running(tmp_path):
    found = problems(
        tmp_path,
        """
        scenarios:
        - name: Wrong answer id
          steps:
          - say: what is car-t
            expect:
              answer: cart/what_iz
    """,
    )
    assert (
        len(found) == 1
        and "line 6" in found[0]
        and "no answer has the id 'cart/what_iz'; did you mean 'cart/what_is'?" in found[0]
    )


def test_unknown_contacts_bad_values_and_bad_patterns_are_all_reported_at_once(tmp_path):
    found = problems(
        tmp_path,
        """
        scenarios:
        - name: Many mistakes
          settings:
            clock: next tuesday
          steps:
          - say: hello
            expect:
              contact_card: [hotlin]
              unsure: maybe
              matches: "([unclosed"
              status: 9999
    """,
    )
    text = "\n".join(found)
    assert "line 4: clock 'next tuesday' is not a date and time like" in text
    assert (
        "line 8: step 1 of scenario 'Many mistakes': there is no contact 'hotlin' in content/contacts.yml; did you mean 'hotline'?"
        in text
    )
    assert "line 9: step 1 of scenario 'Many mistakes': 'unsure:' must be true or false, not 'maybe'" in text
    assert "line 10" in text and "'matches:' is not a valid pattern" in text
    assert "line 11" in text and "'status:' must be an HTTP status code" in text


def test_a_step_must_say_or_click_and_a_scenario_cannot_start_with_a_click(tmp_path):
    found = problems(
        tmp_path,
        """
        scenarios:
        - name: Both
          steps:
          - say: hi
            click: Talk to a person
        - name: Click first
          steps:
          - click: Talk to a person
    """,
    )
    assert any("line 4" in p and "needs exactly one of 'say:'" in p for p in found)
    assert any("line 8" in p and "starts with a click" in p for p in found)


def test_missing_name_and_steps_are_explained(tmp_path):
    found = problems(
        tmp_path,
        """
        scenarios:
        - steps:
          - say: hi
        - name: No steps
    """,
    )
    assert any("line 2: this scenario has no name" in p for p in found)
    assert any("line 4: scenario 'No steps' has no steps" in p for p in found)


def test_broken_yaml_is_reported_with_its_line_not_a_traceback(tmp_path):
    found = problems(
        tmp_path,
        """
        scenarios:
        - name: Broken
          steps:
          - say: "unclosed
            expect: {}
    """,
    )
    assert len(found) == 1 and "not valid YAML" in found[0] and "line " in found[0]


def test_a_file_without_scenarios_says_how_it_should_start(tmp_path):
    assert problems(tmp_path, "stories: []\n") == [
        f"{tmp_path / 'example.yml'}, line 1: a scenario file starts with 'scenarios:' followed by a list of scenarios"
    ]


def test_two_scenarios_with_the_same_name_are_refused_with_both_places(tmp_path):
    first = write(tmp_path, "scenarios:\n- name: Same\n  steps:\n  - say: hi\n", "a.yml")
    second = write(tmp_path, "scenarios:\n- name: same\n  steps:\n  - say: hello\n", "b.yml")
    with pytest.raises(ScenarioFileError) as error:
        load_scenarios([first, second], FACTS)
    [problem] = error.value.problems
    assert (
        problem.path == second
        and problem.line == 2
        and "already used" in problem.message
        and "a.yml, line 2" in problem.message
    )


def test_a_known_issue_must_say_what_the_defect_is(tmp_path):
    found = problems(tmp_path, 'scenarios:\n- name: Known\n  known_issue: ""\n  steps:\n  - say: hi\n')
    assert any("line 3" in p and "must say what the defect is" in p for p in found)


def test_project_facts_know_catalogue_answers_system_answers_and_contacts():
    facts = ProjectFacts.from_project()
    assert {"cart/what_is", "jacie/what_is", "referral/how_it_works", "service/hotline"} <= facts.answers
    assert {"urgent_help", "clarify", "service_degraded"} <= facts.answers
    assert {"hotline", "haematology", "pals", "car_t_page"} <= facts.contacts


def test_the_projects_scenarios_are_valid_and_cover_every_catalogue_topic():
    scenarios = load_scenarios()
    assert len(scenarios) >= 40
    answers = {s.expect.answer for scenario in scenarios for s in scenario.steps if s.expect.answer}
    for topic in ("cart", "service", "jacie", "referral"):
        assert any(a.startswith(f"{topic}/") for a in answers), f"no scenario checks a {topic} answer"
    assert any(s.settings.action_server == STOPPED for s in scenarios)
    assert any(s.settings.clock is not None for s in scenarios)
