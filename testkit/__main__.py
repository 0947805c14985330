"""Command line of the tester toolkit (``make test-report``, ``make test-trial``).

    python -m testkit report                                      results/index.html
    python -m testkit trial [FILES or FOLDERS] [--url WEBHOOK]    held-out questions: right / not sure / wrong

The end-to-end scenarios are pytest tests (``python -m pytest tests/e2e``, see ``testkit/e2e_plugin.py``).
A trial is a measurement: exit status 0 whatever the answers were, 2 when it could not be run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import warnings
from pathlib import Path
from typing import Optional, Sequence

# Rasa, TensorFlow and packaging print their own deprecation warnings on import (some switch them back
# on themselves, so filters do not hold): noise in a tester's console, so this process does not print them.
warnings.showwarning = lambda *args, **kwargs: None

from assistant.content import ROOT  # noqa: E402  (after the warnings are silenced)


def command_report(args: argparse.Namespace) -> int:
    from testkit.overview import write_overview

    page = write_overview(Path(args.results))
    print(f"test-report: {page}")
    return 0


def command_trial(args: argparse.Namespace) -> int:
    from functools import partial

    from assistant.content.catalogue import load_catalogue
    from testkit.servers import answering, running_assistant, say_to
    from testkit.trial import (
        HELD_OUT_DIR,
        TrialFileError,
        Verdict,
        answer_ids_by_button,
        load_questions,
        run_trial,
        tally_line,
        write_csv,
    )

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
        after = "".join(f"{text} / " for text in verdict.question.after)
        print(
            f"  {verdict.outcome.upper():8} {after}{verdict.question.text}\n"
            f"           expected {verdict.question.expected}, got {verdict.detail}",
            flush=True,
        )

    if args.url:
        if not answering(args.url):
            print(
                f"trial: no assistant answers at {args.url}: start one with `make run`, or leave out --url",
                file=sys.stderr,
            )
            return 2
        verdicts = run_trial(questions, partial(say_to, args.url), buttons, show)
    else:
        print(
            f"trial: starting the assistant (about a minute), then asking {len(questions)} held-out questions",
            flush=True,
        )
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
    parser = argparse.ArgumentParser(
        prog="python -m testkit", description="The tester toolkit: the testing report and held-out question trials."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="gather all test results into results/index.html")
    report.add_argument("--results", default=str(ROOT / "results"), help="the results folder (default results/)")
    report.set_defaults(handler=command_report)
    trial = commands.add_parser("trial", help="ask held-out questions as new patients: right / not sure / wrong")
    trial.add_argument("paths", nargs="*", help="question files or folders (default tests/heldout)")
    trial.add_argument("--url", help="ask an assistant already running at this REST webhook URL")
    trial.add_argument(
        "--out", default=str(ROOT / "results" / "trial"), help="where to write trial.csv (default results/trial)"
    )
    trial.set_defaults(handler=command_trial)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
