"""pytest plugin: every scenario in ``tests/e2e/*.yml`` is a pytest test, played on the real running assistant.

Why a plugin and not a runner of our own: pytest already selects (``-k`` on names, file names and tags,
``-m e2e``), reports (``--junitxml``), stops at the first failure (``-x``) and lists (``--collect-only``);
the plugin only reads the files (``testkit.loader``, mistakes named with file and line as collection
errors), starts the assistant once per session with the test clock on (``assistant.server.launcher``),
plays each scenario (``testkit.runner.Player``) and, at the end, writes the testers' HTML transcript
report and ``results.json`` for ``make test-report``.

Scenarios that need the action server stopped run after the others; the action server is stopped before
them (and started again should another scenario follow). ``--e2e-url`` plays against an assistant someone
else started (``make run``): scenarios that set the clock or stop the action server are skipped there.
Enabled for the project in ``pyproject.toml`` (``-p testkit.e2e_plugin``).
"""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path
from typing import Iterator, List, Optional

import pytest

from assistant.content.contacts import ContactsError
from assistant.server.processes import RunningAssistant
from testkit.html_report import write_html
from testkit.loader import ROOT, ScenarioFileError, load_scenarios
from testkit.runner import FAILED, KNOWN_ISSUE, SKIPPED, Player, ScenarioResult, skipped, transcript
from testkit.scenario import STOPPED, Scenario
from testkit.servers import answering, running_assistant
from testkit.summary import RESULTS_JSON, Summary, write_results_json

MARKER = "e2e"
_SESSION = pytest.StashKey["ScenarioSession"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("e2e", "end-to-end scenarios (tests/e2e/*.yml)")
    group.addoption(
        "--e2e-url",
        metavar="WEBHOOK",
        help="play against an assistant already running at this REST webhook "
        "(e.g. http://127.0.0.1:5005/webhooks/rest/webhook); scenarios that set the clock "
        "or stop the action server are skipped",
    )
    group.addoption(
        "--e2e-out",
        metavar="FOLDER",
        default=str(ROOT / "results" / "e2e"),
        help="where to write report.html and results.json (default results/e2e)",
    )
    parser.addini("e2e_scenarios", "the folder of scenario files, from the root folder", default="tests/e2e")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}: a conversation scenario from tests/e2e, played on the running assistant"
    )
    config.stash[_SESSION] = ScenarioSession(config)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Optional["ScenarioFile"]:
    folder = parent.config.rootpath / str(parent.config.getini("e2e_scenarios"))
    if file_path.suffix in {".yml", ".yaml"} and file_path.parent == folder:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Scenarios that stop the action server go last (a stable sort keeps every other order)."""
    items.sort(key=lambda item: isinstance(item, ScenarioItem) and item.scenario.settings.action_server == STOPPED)


def pytest_sessionfinish(session: pytest.Session) -> None:
    session.config.stash[_SESSION].finish()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    for line in config.stash[_SESSION].summary_lines:
        terminalreporter.write_line(line)


class ScenarioFile(pytest.File):
    """One scenario file; a file with mistakes is a collection error listing them all, with lines."""

    def collect(self) -> Iterator["ScenarioItem"]:
        try:
            scenarios = load_scenarios([self.path])
        except ContactsError as error:  # the scenarios are checked against the contacts the servers use
            raise self.CollectError(f"{error} (`make check-contacts` names each problem)") from None
        except ScenarioFileError as error:
            count = len(error.problems)
            raise self.CollectError(
                f"{count} {'mistake' if count == 1 else 'mistakes'} in this scenario file:\n"
                + "\n".join(f"  {problem}" for problem in error.problems)
            ) from None
        for scenario in scenarios:
            yield ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)


class ScenarioFailed(Exception):
    """A scenario whose reply did not meet an expectation: the result says which, with the transcript."""

    def __init__(self, result: ScenarioResult) -> None:
        super().__init__(result.failure)
        self.result = result


class ScenarioItem(pytest.Item):
    """One scenario: its tags are keywords for ``-k``, marked ``e2e``."""

    def __init__(self, *, scenario: Scenario, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.scenario = scenario
        self.add_marker(MARKER)
        self.extra_keyword_matches.update(scenario.tags)

    def runtest(self) -> None:
        result = self.config.stash[_SESSION].play(self.scenario)
        if result.status == SKIPPED:
            pytest.skip(result.note)
        if result.status == KNOWN_ISSUE:
            pytest.xfail(result.note)
        if result.status == FAILED:
            raise ScenarioFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: object = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            return f"{excinfo.value.result.failure}\n\n{transcript(excinfo.value.result)}"
        if isinstance(excinfo.value, AssistantUnavailable):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple:
        return self.path, self.scenario.line - 1, f"scenario: {self.scenario.name}"


class AssistantUnavailable(Exception):
    """The assistant could not be started (or does not answer at ``--e2e-url``): every scenario fails saying so."""


class ScenarioSession:
    """The assistant the scenarios are played on (started at the first scenario), and their results."""

    def __init__(self, config: pytest.Config) -> None:
        self.url: Optional[str] = config.getoption("e2e_url")
        self.out = Path(config.getoption("e2e_out"))
        self.results: List[ScenarioResult] = []
        self.summary_lines: List[str] = []
        self._running: Optional[RunningAssistant] = None
        self._servers = contextlib.ExitStack()
        self._unavailable = ""
        self._started = 0.0

    def play(self, scenario: Scenario) -> ScenarioResult:
        if not self._started:
            self._started = time.monotonic()
        webhook, why_not = self._webhook(scenario)
        result = skipped(scenario, why_not) if why_not else Player(webhook).play(scenario)
        self.results.append(result)
        return result

    def _webhook(self, scenario: Scenario) -> tuple:
        """Where to play ``scenario``, with the action server as it needs; or why it cannot be played."""
        stopped = scenario.settings.action_server == STOPPED
        if self.url:
            if scenario.settings.clock is not None:
                return "", "sets the clock: run it with `make test-e2e` (test clock on)"
            if stopped:
                return "", "needs the action server stopped: run it with `make test-e2e`"
            self._check_url(self.url)
            return self.url, ""
        running = self._assistant()
        if stopped and running.actions is not None:
            running.stop_actions()
        elif not stopped and running.actions is None:
            running.start_actions()
        return running.webhook, ""

    def _check_url(self, url: str) -> None:
        if self._unavailable:
            raise AssistantUnavailable(self._unavailable)
        if not answering(url):
            self._unavailable = f"no assistant answers at {url}: start one with `make run`, or leave out --e2e-url"
            raise AssistantUnavailable(self._unavailable)

    def _assistant(self) -> RunningAssistant:
        if self._unavailable:
            raise AssistantUnavailable(self._unavailable)
        if self._running is None:
            servers = self.out / "servers"
            shutil.rmtree(servers, ignore_errors=True)  # this run's logs and test conversations only
            try:
                self._running = self._servers.enter_context(running_assistant(servers, test_clock=True))
            except (FileNotFoundError, RuntimeError, TimeoutError) as error:
                self._unavailable = f"could not start the assistant: {error} (server logs in {servers})"
                raise AssistantUnavailable(self._unavailable) from None
        return self._running

    def finish(self) -> None:
        """Stop the servers; write the reports of the scenarios played (none: no report)."""
        self._servers.close()
        if not self.results:
            return
        summary = Summary.of(self.results, time.monotonic() - self._started)
        self.out.mkdir(parents=True, exist_ok=True)
        write_html(self.results, summary, self.out / "report.html")
        write_results_json(self.results, summary, self.out / RESULTS_JSON)
        fixed = [
            f"e2e: “{r.scenario.name}” {r.note}"
            for r in self.results
            if r.note and r.status not in (SKIPPED, KNOWN_ISSUE)
        ]
        self.summary_lines = fixed + [
            summary.line + (f" ({summary.extras})" if summary.extras else "") + f" in {summary.seconds:.0f} s",
            f"e2e: transcript report {self.out / 'report.html'}",
        ]
