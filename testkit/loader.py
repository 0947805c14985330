"""Read scenario files and check them, reporting every mistake in plain words with its file and line.

Why our own checks rather than a schema library: testers are not programmers, so an error must say
what is wrong and how to put it right ("line 12: 'sayy' is not a step key; did you mean 'say'?"),
and must know the project: an answer id or a contact that does not exist is a mistake in the
scenario, caught before any server starts. Line numbers come from ruamel.yaml (already used by Rasa).
"""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from assistant.content import DOMAIN_PATH, RESPONSES_DIR, ROOT, TESTS_DIR
from assistant.content.contacts import contacts_path, load_contacts
from assistant.content.system_messages import (
    CLARIFY_ANSWER_ID,
    DEGRADED_ANSWER_ID,
    load_system_messages,
    placeholder_values,
)
from testkit.scenario import RUNNING, STOPPED, Expectations, Scenario, Settings, Step

SCENARIO_DIR = TESTS_DIR / "e2e"
CLOCK_FORMAT = "%Y-%m-%d %H:%M"

FILE_KEYS = ("scenarios",)
SCENARIO_KEYS = ("name", "description", "tags", "known_issue", "settings", "steps")
SETTING_KEYS = ("clock", "action_server")
STEP_KEYS = ("say", "click", "repeat", "expect")
EXPECT_KEYS = (
    "says",
    "does_not_say",
    "matches",
    "answer",
    "buttons",
    "contact_card",
    "urgent_help_first",
    "unsure",
    "status",
)
# Answers the assistant marks outside the catalogue: "did you mean…?" (the NLG) and the channels'
# "reach a person" message when part of the assistant fails.
SYSTEM_ANSWERS = (CLARIFY_ANSWER_ID, DEGRADED_ANSWER_ID)


@dataclass(frozen=True)
class Problem:
    """One mistake in a scenario file."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{_display(self.path)}, line {self.line}: {self.message}"


class ScenarioFileError(Exception):
    """The scenario files have mistakes; ``problems`` lists them all (not just the first)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class ProjectFacts:
    """What a scenario may refer to: answer ids served by the assistant, contact keys, and the contact
    details a text may name as ``{hotline_phone}`` (so no number is typed into a test)."""

    answers: Set[str]
    contacts: Set[str]
    details: Dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_project(cls) -> "ProjectFacts":
        answers = set(SYSTEM_ANSWERS)
        response_files = [DOMAIN_PATH, *sorted(RESPONSES_DIR.glob("*.yml"))]
        for path in response_files:
            responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
            for variations in responses.values():
                for variation in variations or []:
                    answer_id = ((variation or {}).get("metadata") or {}).get("answer_id")
                    if answer_id:
                        answers.add(str(answer_id))
        contacts = load_contacts(contacts_path())  # the file the servers fill the answers from
        return cls(answers, set(contacts.by_key), placeholder_values(contacts, load_system_messages()))


DETAIL = re.compile(r"\{(\w+)\}")


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def scenario_files(paths: Iterable[Path] = ()) -> List[Path]:
    """The ``.yml``/``.yaml`` files named, or found in the folders named (default ``tests/e2e``)."""
    found: List[Path] = []
    for path in list(paths) or [SCENARIO_DIR]:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in {".yml", ".yaml"}))
        else:
            found.append(path)
    return found


def load_scenarios(paths: Iterable[Path] = (), facts: Optional[ProjectFacts] = None) -> List[Scenario]:
    """All scenarios in ``paths``; raises :class:`ScenarioFileError` listing every mistake found."""
    facts = facts or ProjectFacts.from_project()
    files = scenario_files(paths)
    problems: List[Problem] = []
    scenarios: List[Scenario] = []
    if not files:
        raise ScenarioFileError([Problem(SCENARIO_DIR, 1, "no scenario files found")])
    for path in files:
        reader = _FileReader(path, facts)
        scenarios.extend(reader.read())
        problems.extend(reader.problems)
    first_seen: Dict[str, Scenario] = {}
    for scenario in scenarios:
        earlier = first_seen.setdefault(scenario.name.casefold(), scenario)
        if earlier is not scenario:
            problems.append(
                Problem(
                    scenario.path,
                    scenario.line,
                    f"the scenario name '{scenario.name}' is already used "
                    f"({_display(earlier.path)}, line {earlier.line}); give each scenario its own name",
                )
            )
    if problems:
        raise ScenarioFileError(problems)
    return scenarios


def _line(node: Any, key: Any = None, default: int = 1) -> int:
    """1-based line of ``node`` (or of its ``key``/item), as ruamel.yaml recorded it."""
    try:
        if key is None:
            return node.lc.line + 1
        if isinstance(node, CommentedSeq):
            return node.lc.item(key)[0] + 1
        return node.lc.key(key)[0] + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return default


def _suggest(word: Any, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else f"; use one of: {', '.join(choices)}"


def _strings(value: Any) -> Optional[Tuple[str, ...]]:
    """A string or a list of strings as a tuple, or None if it is neither (or empty)."""
    if isinstance(value, str) and value.strip():
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(value)
    return None


class _FileReader:
    """Reads one scenario file, collecting problems instead of stopping at the first."""

    def __init__(self, path: Path, facts: ProjectFacts) -> None:
        self.path = path
        self.facts = facts
        self.problems: List[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def fill_details(self, text: str, line: int, here: str) -> str:
        """``{hotline_phone}`` becomes the number in content/contacts.yml, the way the answers are filled."""

        def detail(match: "re.Match[str]") -> str:
            name = match.group(1)
            if name not in self.facts.details:
                close = difflib.get_close_matches(name, list(self.facts.details), n=1, cutoff=0.6)
                self.problem(
                    line,
                    f"{here}: there is no contact detail '{{{name}}}' in content/contacts.yml; "
                    + (
                        f"did you mean '{{{close[0]}}}'?"
                        if close
                        else "write '{<contact>_<name, phone, email, hours or url>}', e.g. '{hotline_phone}'"
                    ),
                )
                return match.group(0)
            return self.facts.details[name]

        return DETAIL.sub(detail, text)

    def read(self) -> List[Scenario]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self.problem(1, f"cannot read the file ({error})")
            return []
        try:
            document = YAML(typ="rt").load(text)
        except MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else 1
            self.problem(
                line,
                f"this is not valid YAML: {error.problem or error.context} "
                "(check the indentation and that text with a colon is in quotes)",
            )
            return []
        if not isinstance(document, CommentedMap) or "scenarios" not in document:
            self.problem(1, "a scenario file starts with 'scenarios:' followed by a list of scenarios")
            return []
        self.check_keys(document, FILE_KEYS, "at the top of the file")
        items = document["scenarios"]
        if not isinstance(items, CommentedSeq) or not items:
            self.problem(
                _line(document, "scenarios"),
                "'scenarios:' must be followed by a list of scenarios, each starting with '- name:'",
            )
            return []
        scenarios = []
        for index, item in enumerate(items):
            scenario = self.read_scenario(item, _line(items, index))
            if scenario is not None:
                scenarios.append(scenario)
        return scenarios

    def check_keys(self, node: CommentedMap, allowed: Sequence[str], where: str) -> None:
        for key in node:
            if key not in allowed:
                self.problem(_line(node, key), f"'{key}' is not a key {where}{_suggest(key, allowed)}")

    def read_scenario(self, node: Any, line: int) -> Optional[Scenario]:
        if not isinstance(node, CommentedMap):
            self.problem(line, "each scenario is a set of keys starting with 'name:' (then 'steps:')")
            return None
        self.check_keys(node, SCENARIO_KEYS, "of a scenario")
        name = node.get("name")
        if not isinstance(name, str) or not name.strip():
            self.problem(line, "this scenario has no name: add 'name: <what the conversation shows>'")
            name = None
        where = f"scenario '{name}'" if name else "this scenario"
        tags = node.get("tags", [])
        if tags and _strings(tags) is None:
            self.problem(_line(node, "tags", line), f"the tags of {where} must be words or a list of words")
            tags = []
        description = node.get("description", "")
        if not isinstance(description, str):
            self.problem(_line(node, "description", line), f"the description of {where} must be text")
            description = ""
        known_issue = node.get("known_issue", "")
        if not isinstance(known_issue, str) or ("known_issue" in node and not known_issue.strip()):
            self.problem(
                _line(node, "known_issue", line),
                f"'known_issue:' of {where} must say what the defect is (and where it is reported)",
            )
            known_issue = ""
        settings = self.read_settings(node.get("settings"), _line(node, "settings", line), where)
        steps = self.read_steps(node.get("steps"), _line(node, "steps", line), where)
        if name is None or steps is None or settings is None:
            return None
        return Scenario(
            name=name.strip(),
            path=self.path,
            line=line,
            steps=steps,
            settings=settings,
            description=description.strip(),
            tags=_strings(tags) or (),
            known_issue=known_issue.strip(),
        )

    def read_settings(self, node: Any, line: int, where: str) -> Optional[Settings]:
        if node is None:
            return Settings()
        if not isinstance(node, CommentedMap):
            self.problem(line, f"the settings of {where} must be keys like 'clock:' and 'action_server:'")
            return None
        self.check_keys(node, SETTING_KEYS, "under settings")
        ok = True
        clock = node.get("clock")
        if clock is not None:
            clock = self.read_clock(clock, _line(node, "clock", line))
            ok = clock is not None
        action_server = node.get("action_server", RUNNING)
        if action_server not in (RUNNING, STOPPED):
            self.problem(
                _line(node, "action_server", line),
                f"action_server must be '{RUNNING}' or '{STOPPED}', not '{action_server}'",
            )
            ok = False
        return Settings(clock=clock, action_server=action_server) if ok else None

    def read_clock(self, value: Any, line: int) -> Optional[dt.datetime]:
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None, second=0, microsecond=0)
        try:
            return dt.datetime.strptime(str(value).strip(), CLOCK_FORMAT)
        except ValueError:
            self.problem(line, f"clock '{value}' is not a date and time like \"2026-11-25 10:00\" (UK time, in quotes)")
            return None

    def read_steps(self, node: Any, line: int, where: str) -> Optional[List[Step]]:
        if not isinstance(node, CommentedSeq) or not node:
            self.problem(line, f"{where} has no steps: add 'steps:' with at least one '- say: ...'")
            return None
        steps: List[Step] = []
        ok = True
        for index, item in enumerate(node):
            step = self.read_step(item, _line(node, index, line), index + 1, where)
            if step is None:
                ok = False
            else:
                steps.append(step)
        if steps and steps[0].click is not None:
            self.problem(
                steps[0].line, f"{where} starts with a click, but there is no reply with buttons yet: start with 'say:'"
            )
            ok = False
        return steps if ok else None

    def read_step(self, node: Any, line: int, number: int, where: str) -> Optional[Step]:
        here = f"step {number} of {where}"
        if not isinstance(node, CommentedMap):
            self.problem(line, f"{here} must be '- say: <message>' or '- click: <button title>'")
            return None
        self.check_keys(node, STEP_KEYS, "of a step")
        has_say, has_click = "say" in node, "click" in node
        if has_say == has_click:
            self.problem(
                line,
                f"{here} needs exactly one of 'say:' (the patient types) or 'click:' (the patient clicks a button)",
            )
            return None
        say, click = node.get("say"), node.get("click")
        if has_say and not isinstance(say, str):
            self.problem(
                _line(node, "say", line), f"{here}: 'say:' must be the text the patient types (put it in quotes)"
            )
            return None
        if has_click and (not isinstance(click, str) or not click.strip()):
            self.problem(_line(node, "click", line), f"{here}: 'click:' must be the title of a button")
            return None
        repeat = node.get("repeat", 1)
        if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1 or (repeat > 1 and not has_say):
            self.problem(
                _line(node, "repeat", line), f"{here}: 'repeat:' must be a whole number of at least 1, used with 'say:'"
            )
            return None
        expect = self.read_expect(node.get("expect"), _line(node, "expect", line), here)
        if expect is None:
            return None
        return Step(line=line, expect=expect, say=say, click=click.strip() if has_click else None, repeat=repeat)

    def read_expect(self, node: Any, line: int, here: str) -> Optional[Expectations]:
        if node is None:
            return Expectations()
        if not isinstance(node, CommentedMap):
            self.problem(line, f"{here}: 'expect:' must be followed by checks such as 'says:' or 'answer:'")
            return None
        self.check_keys(node, EXPECT_KEYS, "under expect")
        count = len(self.problems)
        fields: Dict[str, Any] = {}

        def at(key: str) -> int:
            return _line(node, key, line)

        for key in ("says", "does_not_say", "buttons"):
            if key in node:
                texts = _strings(node[key])
                if texts is None:
                    self.problem(at(key), f"{here}: '{key}:' must be some text or a list of texts")
                    continue
                fields[key] = tuple(self.fill_details(text, at(key), here) for text in texts)
        if "matches" in node:
            pattern = node["matches"]
            try:
                re.compile(str(pattern))
                fields["matches"] = str(pattern)
            except re.error as error:
                self.problem(
                    at("matches"),
                    f"{here}: 'matches:' is not a valid pattern ({error}); to look for plain words use 'says:'",
                )
        if "answer" in node:
            fields["answer"] = self.read_answer(node["answer"], at("answer"), here)
        if "contact_card" in node:
            card = node["contact_card"]
            if card is True:
                fields["contact_card"] = ()
            elif card is False:
                fields["no_contact_card"] = True
            elif (keys := _strings(card)) is not None:
                unknown = [key for key in keys if key not in self.facts.contacts]
                for key in unknown:
                    self.problem(
                        at("contact_card"),
                        f"{here}: there is no contact '{key}' in content/contacts.yml"
                        f"{_suggest(key, sorted(self.facts.contacts))}",
                    )
                fields["contact_card"] = keys
            else:
                self.problem(
                    at("contact_card"),
                    f"{here}: 'contact_card:' must be true, false, or a list of contact keys (e.g. [hotline])",
                )
        for key in ("urgent_help_first", "unsure"):
            if key in node:
                if isinstance(node[key], bool):
                    fields[key] = node[key]
                else:
                    self.problem(at(key), f"{here}: '{key}:' must be true or false, not '{node[key]}'")
        if "status" in node:
            status = node["status"]
            if isinstance(status, int) and not isinstance(status, bool) and 100 <= status <= 599:
                fields["status"] = status
            else:
                self.problem(at("status"), f"{here}: 'status:' must be an HTTP status code such as 200 or 413")
        if len(self.problems) > count:
            return None
        return Expectations(**fields)

    def read_answer(self, value: Any, line: int, here: str) -> Optional[str]:
        if not isinstance(value, str) or not value.strip():
            self.problem(
                line, f"{here}: 'answer:' must be an answer id such as cart/what_is (or cart/* for any CAR-T answer)"
            )
            return None
        value = value.strip()
        if not fnmatch.filter(self.facts.answers, value):
            self.problem(line, f"{here}: no answer has the id '{value}'{_suggest(value, sorted(self.facts.answers))}")
            return None
        return value
