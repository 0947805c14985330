"""Command line of the tester toolkit (``make test-e2e``, ``make test-report``).

    python -m testkit run [FILES or FOLDERS] [-k WORDS] [--url WEBHOOK]   play scenarios, write reports
    python -m testkit check [FILES or FOLDERS]                            only check scenario files
    python -m testkit report                                              results/index.html
    python -m testkit trial [FILES or FOLDERS] [--url WEBHOOK]            held-out questions: right / not sure / wrong

Exit status: 0 all passed, 1 a scenario failed, 2 the scenario files have mistakes or the assistant
could not start. A trial is a measurement: 0 whatever the answers were, 2 when it could not be run.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
import warnings
from pathlib import Path
from typing import List, Optional, Sequence

# Rasa, TensorFlow and packaging print their own deprecation warnings on import (some switch them back
# on themselves, so filters do not hold): noise in a tester's console, so this process does not print them.
warnings.showwarning = lambda *args, **kwargs: None

from testkit.loader import ROOT, ScenarioFileError, load_scenarios
from testkit.scenario import Scenario

DEFAULT_OUT = ROOT / "results" / "e2e"


def _load(paths: Sequence[str]) -> Optional[List[Scenario]]:
    try:
        return load_scenarios([Path(p) for p in paths])
    except ScenarioFileError as error:
        print(f"e2e: the scenario files have {len(error.problems)} mistake(s):", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return None


def _select(scenarios: List[Scenario], words: Optional[List[str]]) -> List[Scenario]:
    """Scenarios whose name, file name or a tag contains any of ``words`` (case-insensitive)."""
    if not words:
        return scenarios
    needles = [w.casefold() for w in words]
    return [s for s in scenarios
            if any(n in s.name.casefold() or n == s.suite.casefold() or any(n == t.casefold() for t in s.tags)
                   for n in needles)]


def _answers(webhook: str) -> bool:
    """Does the REST channel at ``webhook`` answer its health check (``GET /webhooks/rest/``)?"""
    import requests

    try:
        return requests.get(webhook.rsplit("/", 1)[0] + "/", timeout=5).ok
    except requests.RequestException:
        return False


def command_check(args: argparse.Namespace) -> int:
    scenarios = _load(args.paths)
    if scenarios is None:
        return 2
    steps = sum(len(s.steps) for s in scenarios)
    print(f"e2e: {len(scenarios)} scenarios, {steps} steps: no mistakes found")
    return 0


def command_run(args: argparse.Namespace) -> int:
    from testkit.html_report import write_html
    from testkit.junit_report import write_junit
    from testkit.runner import ScenarioResult, run_scenarios, skipped
    from testkit.servers import running_assistant
    from testkit.summary import RESULTS_JSON, Summary, write_results_json

    scenarios = _load(args.paths)
    if scenarios is None:
        return 2
    scenarios = _select(scenarios, args.k)
    if not scenarios:
        print(f"e2e: no scenario matches {' or '.join(args.k)}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def show(result: ScenarioResult) -> None:
        line = f"  {result.status.upper():7} {result.scenario.name}"
        detail = result.failure or result.note
        print(line + (f"\n          {detail}" if detail else ""), flush=True)

    started = time.monotonic()
    if args.url:
        # Someone else's assistant: its action server may not have the test clock, and it is not ours to stop.
        playable = [s for s in scenarios if s.settings.clock is None]
        if not _answers(args.url):
            print(f"e2e: no assistant answers at {args.url}: start one with `make run`, or leave out --url", file=sys.stderr)
            return 2
        print(f"e2e: playing {len(scenarios)} scenarios against {args.url}", flush=True)
        played = {id(r.scenario): r for r in run_scenarios(playable, args.url, None, args.workers, show)}
        results = [played.get(id(s)) or skipped(s, "sets the clock: run it with `make test-e2e` (test clock on)")
                   for s in scenarios]
        for result in results:
            if result.scenario.settings.clock is not None:
                show(result)
    else:
        print(f"e2e: starting the assistant (about a minute), then playing {len(scenarios)} scenarios", flush=True)
        shutil.rmtree(out / "servers", ignore_errors=True)  # this run's logs and test conversations only
        try:
            with running_assistant(out / "servers", test_clock=True) as assistant:
                results = run_scenarios(scenarios, assistant.webhook, assistant.stop_actions, args.workers, show)
        except (FileNotFoundError, RuntimeError, TimeoutError) as error:
            print(f"e2e: could not start the assistant: {error} (server logs in {out / 'servers'})", file=sys.stderr)
            return 2
    summary = Summary.of(results, time.monotonic() - started)
    write_html(results, summary, out / "report.html")
    write_junit(results, out / "junit.xml")
    write_results_json(results, summary, out / RESULTS_JSON)
    print(summary.line + (f" ({summary.extras})" if summary.extras else "") + f" in {summary.seconds:.0f} s")
    print(f"e2e: report {out / 'report.html'}, JUnit XML {out / 'junit.xml'}")
    return 1 if summary.failed else 0


def command_report(args: argparse.Namespace) -> int:
    from testkit.overview import write_overview

    page = write_overview(Path(args.results))
    print(f"test-report: {page}")
    return 0


def command_trial(args: argparse.Namespace) -> int:
    from functools import partial

    from assistant.content.catalogue import load_catalogue
    from testkit.servers import running_assistant, say_to
    from testkit.trial import (HELD_OUT_DIR, TrialFileError, Verdict, answer_ids_by_button, load_questions,
                               run_trial, tally_line, write_csv)

    catalogue = load_catalogue()
    try:
        questions = load_questions([Path(p) for p in args.paths] or [HELD_OUT_DIR], catalogue)
    except TrialFileError as error:
        print(f"trial: the question files have {len(error.problems)} mistake(s):", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    buttons = answer_ids_by_button(catalogue)
    out = Path(args.out)

    def show(verdict: Verdict) -> None:
        print(f"  {verdict.outcome.upper():8} {verdict.question.text}\n"
              f"           expected {verdict.question.expected}, got {verdict.detail}", flush=True)

    if args.url:
        if not _answers(args.url):
            print(f"trial: no assistant answers at {args.url}: start one with `make run`, or leave out --url", file=sys.stderr)
            return 2
        verdicts = run_trial(questions, partial(say_to, args.url), buttons, show)
    else:
        print(f"trial: starting the assistant (about a minute), then asking {len(questions)} held-out questions", flush=True)
        shutil.rmtree(out / "servers", ignore_errors=True)
        try:
            with running_assistant(out / "servers") as assistant:
                verdicts = run_trial(questions, assistant.say, buttons, show)
        except (FileNotFoundError, RuntimeError, TimeoutError) as error:
            print(f"trial: could not start the assistant: {error} (server logs in {out / 'servers'})", file=sys.stderr)
            return 2
    write_csv(verdicts, out / "trial.csv")
    print(tally_line(verdicts))
    print(f"trial: every question and reply in {out / 'trial.csv'}")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m testkit",
                                     description="The tester toolkit: end-to-end conversation scenarios and held-out question trials.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="play scenarios against the assistant and write reports")
    run.add_argument("paths", nargs="*", help="scenario files or folders (default tests/e2e)")
    run.add_argument("-k", metavar="WORDS", action="append",
                     help="only scenarios whose name contains WORDS, or whose file or a tag is WORDS (repeatable)")
    run.add_argument("--url", help="play against an assistant already running at this REST webhook URL "
                                   "(e.g. http://127.0.0.1:5005/webhooks/rest/webhook); clock and "
                                   "action-server-stopped scenarios are skipped")
    run.add_argument("--workers", type=int, default=4, help="conversations played at the same time (default 4)")
    run.add_argument("--out", default=str(DEFAULT_OUT), help="where to write report.html, junit.xml (default results/e2e)")
    run.set_defaults(handler=command_run)
    check = commands.add_parser("check", help="only check the scenario files for mistakes")
    check.add_argument("paths", nargs="*", help="scenario files or folders (default tests/e2e)")
    check.set_defaults(handler=command_check)
    report = commands.add_parser("report", help="gather all test results into results/index.html")
    report.add_argument("--results", default=str(ROOT / "results"), help="the results folder (default results/)")
    report.set_defaults(handler=command_report)
    trial = commands.add_parser("trial", help="ask held-out questions as new patients: right / not sure / wrong")
    trial.add_argument("paths", nargs="*", help="question files or folders (default tests/heldout)")
    trial.add_argument("--url", help="ask an assistant already running at this REST webhook URL")
    trial.add_argument("--out", default=str(ROOT / "results" / "trial"), help="where to write trial.csv (default results/trial)")
    trial.set_defaults(handler=command_trial)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
