"""``make check-content``: every problem in the answer catalogue and the other patient-facing texts, in plain
words, with file and line; exit 1 on errors (part of ``make test``).

The rules themselves are :mod:`assistant.content.rules`, which the running assistant also applies to each
answer staff save; this is only their command line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import defaultdict
from typing import Dict, Iterable, List, Optional

from assistant.content.catalogue import load_catalogue
from assistant.content.rules import ERROR, WARNING, Finding, check_content


def summary(findings: Iterable[Finding], answers: int) -> str:
    findings = list(findings)
    errors = sum(f.severity == ERROR for f in findings)
    return f"content check: {errors} error(s), {len(findings) - errors} warning(s) in {answers} answers"


def print_report(findings: List[Finding], answers: int, verbose: bool, out=sys.stdout) -> None:
    """Errors first, then warnings; repeated warnings of one kind are summarised unless ``verbose``."""
    for severity in (ERROR, WARNING):
        chosen = [f for f in findings if f.severity == severity]
        if not chosen:
            continue
        print(
            f"\n{severity.upper()}S ({len(chosen)})"
            + ("" if severity == WARNING else ": must be fixed before publishing"),
            file=out,
        )
        by_kind: Dict[str, List[Finding]] = defaultdict(list)
        for finding in chosen:
            by_kind[finding.kind].append(finding)
        for finding in chosen:
            group = by_kind[finding.kind]
            if severity == WARNING and not verbose and len(group) > 5:
                if finding is group[0]:
                    print(
                        f"  {len(group)} answers: {finding.kind} (first: {finding.location()} {finding.answer}); "
                        "`make check-content ARGS=--all` lists each",
                        file=out,
                    )
                continue
            print(f"  {finding}", file=out)
    print(f"\n{summary(findings, answers)}", file=out)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Check the answer catalogue and say what to fix, in plain words.")
    parser.add_argument("--all", action="store_true", help="list every warning, not a summary of repeated ones")
    parser.add_argument("--today", type=dt.date.fromisoformat, help="check as if today were this date (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    catalogue = load_catalogue()
    findings = check_content(catalogue, today=args.today)
    print(
        f"Checked {len(catalogue.answers)} answers, {len(catalogue.texts)} other patient-facing texts, "
        f"{len(catalogue.examples)} example questions and {len(catalogue.tests)} conversation tests."
    )
    print_report(findings, len(catalogue.answers), args.all)
    return 1 if any(f.severity == ERROR for f in findings) else 0


if __name__ == "__main__":
    sys.exit(main())
