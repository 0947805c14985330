"""The outcome of a scenario run as plain data: counts for the console line, JSON for the testing report.

Why a JSON file beside the HTML: ``make test-report`` gathers results from several tools into one
page; reading our own small JSON is more robust than scraping HTML or JUnit XML.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Sequence

from testkit.loader import _display
from testkit.runner import FAILED, KNOWN_ISSUE, PASSED, SKIPPED, ScenarioResult

RESULTS_JSON = "results.json"


@dataclass(frozen=True)
class Summary:
    passed: int
    failed: int
    skipped: int
    known_issues: int
    seconds: float
    finished: str

    @classmethod
    def of(cls, results: Sequence[ScenarioResult], seconds: float) -> "Summary":
        counts = Counter(r.status for r in results)
        finished = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        return cls(counts[PASSED], counts[FAILED], counts[SKIPPED], counts[KNOWN_ISSUE], round(seconds, 1), finished)

    @property
    def line(self) -> str:
        """The console summary line (its format is relied on by people and CI logs)."""
        return f"e2e: {self.passed} passed, {self.failed} failed"

    @property
    def extras(self) -> str:
        """Skipped scenarios and known issues, when there are any, for after the summary line."""
        parts = [
            f"{self.known_issues} known issue(s)" if self.known_issues else "",
            f"{self.skipped} skipped" if self.skipped else "",
        ]
        return ", ".join(p for p in parts if p)


def write_results_json(results: Sequence[ScenarioResult], summary: Summary, path: Path) -> None:
    scenarios: List[Dict[str, Any]] = [
        {
            "name": r.scenario.name,
            "file": _display(r.scenario.path),
            "line": r.scenario.line,
            "status": r.status,
            "seconds": round(r.seconds, 2),
            "failure": r.failure or r.note,
        }
        for r in results
    ]
    path.write_text(json.dumps({"summary": summary.__dict__, "scenarios": scenarios}, indent=2), encoding="utf-8")
