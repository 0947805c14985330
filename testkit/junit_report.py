"""JUnit XML of a scenario run, for CI systems (GitLab, Jenkins, Azure...) that show test results.

Why ElementTree: JUnit XML is a small, fixed format; the standard library writes it correctly
(escaping included) without another dependency. One ``testsuite`` per scenario file, one
``testcase`` per scenario; a failure carries the first failed expectation and the transcript.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Sequence

from testkit.runner import FAILED, KNOWN_ISSUE, SKIPPED, ScenarioResult, button_titles, visible_text


def transcript(result: ScenarioResult) -> str:
    """The conversation as plain text, for CI logs."""
    lines: List[str] = []
    for number, turn in enumerate(result.turns, start=1):
        lines.append(f"{number}. patient {turn.step.describe()}")
        if turn.error:
            lines.append(f"   !! {turn.error}")
        if turn.messages:
            lines.append("   assistant: " + visible_text(turn.messages).replace("\n", "\n   "))
            titles = button_titles(turn.messages)
            if titles:
                lines.append("   buttons: " + " | ".join(titles))
        for check in turn.checks:
            mark = "ok  " if check.passed else "FAIL"
            lines.append(f"   [{mark}] {check.expectation}" + ("" if check.passed else f": {check.detail}"))
    return "\n".join(lines)


def write_junit(results: Sequence[ScenarioResult], path: Path) -> None:
    by_suite: Dict[str, List[ScenarioResult]] = defaultdict(list)
    for result in results:
        by_suite[result.scenario.suite].append(result)
    root = ET.Element("testsuites", name="e2e scenarios", tests=str(len(results)),
                      failures=str(sum(r.status == FAILED for r in results)),
                      skipped=str(sum(r.status in (SKIPPED, KNOWN_ISSUE) for r in results)),
                      time=f"{sum(r.seconds for r in results):.3f}")
    for suite, members in by_suite.items():
        element = ET.SubElement(root, "testsuite", name=f"e2e.{suite}", tests=str(len(members)),
                                failures=str(sum(r.status == FAILED for r in members)),
                                skipped=str(sum(r.status in (SKIPPED, KNOWN_ISSUE) for r in members)),
                                time=f"{sum(r.seconds for r in members):.3f}")
        for result in members:
            case = ET.SubElement(element, "testcase", classname=f"e2e.{suite}", name=result.scenario.name,
                                 file=str(result.scenario.path), line=str(result.scenario.line),
                                 time=f"{result.seconds:.3f}")
            if result.status == FAILED:
                failure = ET.SubElement(case, "failure", message=result.failure, type="ExpectationFailed")
                failure.text = transcript(result)
            elif result.status in (SKIPPED, KNOWN_ISSUE):  # JUnit has no "expected failure": skipped, with why
                skip = ET.SubElement(case, "skipped", message=result.note)
                if result.status == KNOWN_ISSUE:
                    skip.text = f"{result.failure}\n\n{transcript(result)}"
    tree = ET.ElementTree(root)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
