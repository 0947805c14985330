"""The testing report: one page (``results/index.html``) gathering every test result a tester needs.

Why: the results are written by different tools in different shapes: the scenario runner
(``results/e2e``), ``rasa test core`` (``results/stories``, written by ``make test``), NLU
cross-validation (``results/crossval``, written by ``make crossval``) and the held-out question trial
(``results/trial``, written by ``make test-trial``). A tester opens this page first;
it reads what exists, links the detailed reports, shows the images Rasa drew, and says plainly
when a part was not run and how to run it. It never runs anything itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from testkit.html_report import environment
from testkit.summary import RESULTS_JSON
from testkit.trial import NOT_SURE, OUTCOMES, RIGHT

SUMMARY_ROWS = ("accuracy", "macro avg", "weighted avg", "micro avg")
LOW_F1 = 0.8  # labels under this F1 are highlighted for the content team


@dataclass
class Label:
    """One intent, answer or action in a classification report."""

    name: str
    precision: float
    recall: float
    f1: float
    support: int
    confused_with: Dict[str, int] = field(default_factory=dict)


@dataclass
class Classification:
    """A Rasa classification report (sklearn's, as JSON) reduced to what a tester reads."""

    accuracy: Optional[float]
    macro_f1: Optional[float]
    weighted_f1: Optional[float]
    labels: List[Label]
    images: List[str]

    @property
    def weakest(self) -> List[Label]:
        return [label for label in self.labels if label.f1 < LOW_F1]


def _read_json(path: Path) -> Optional[Dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _modified(path: Path) -> str:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def read_classification(report_path: Path, results: Path, image_names: List[str]) -> Optional[Classification]:
    """A Rasa ``*_report.json`` and the images beside it (paths relative to ``results``), or None."""
    report = _read_json(report_path)
    if report is None:
        return None
    labels = [
        Label(
            name,
            float(row.get("precision", 0)),
            float(row.get("recall", 0)),
            float(row.get("f1-score", 0)),
            int(row.get("support", 0)),
            dict(row.get("confused_with") or {}),
        )
        for name, row in report.items()
        if name not in SUMMARY_ROWS and isinstance(row, dict) and "f1-score" in row
    ]
    labels.sort(key=lambda label: (label.f1, label.name))
    accuracy = report.get("accuracy")
    if isinstance(accuracy, dict):  # some reports write accuracy as a row
        accuracy = accuracy.get("f1-score")
    images = [
        str((report_path.parent / name).relative_to(results))
        for name in image_names
        if (report_path.parent / name).exists()
    ]
    return Classification(
        accuracy=float(accuracy) if isinstance(accuracy, (int, float)) else None,
        macro_f1=(report.get("macro avg") or {}).get("f1-score"),
        weighted_f1=(report.get("weighted avg") or {}).get("f1-score"),
        labels=labels,
        images=images,
    )


def read_e2e(results: Path) -> Optional[Dict[str, Any]]:
    path = results / "e2e" / RESULTS_JSON
    data = _read_json(path)
    if data is None:
        return None
    data["modified"] = _modified(path)
    return data


def read_stories(results: Path) -> Optional[Dict[str, Any]]:
    """``rasa test core`` results: conversation accuracy, action figures, failed stories, the matrix."""
    folder = results / "stories"
    report_path = folder / "story_report.json"
    report = _read_json(report_path)
    if report is None:
        return None
    conversations = report.get("conversation_accuracy") or {}
    failed_path = folder / "failed_test_stories.yml"
    failed_text = failed_path.read_text(encoding="utf-8") if failed_path.exists() else ""
    try:
        failed_stories = (yaml.safe_load(failed_text) or {}).get("stories") or [] if failed_text.strip() else []
    except yaml.YAMLError:
        failed_stories = []
    return {
        "modified": _modified(report_path),
        "conversations": conversations,
        "actions": read_classification(report_path, results, ["story_confusion_matrix.png"]),
        "failed": [str(story.get("story", "?")) for story in failed_stories if isinstance(story, dict)],
        "failed_file": str(failed_path.relative_to(results)) if failed_stories else "",
    }


def read_crossval(results: Path) -> Optional[Dict[str, Any]]:
    """NLU cross-validation (``make crossval``): intents and response selection (answers)."""
    folder = results / "crossval"
    intent_path = folder / "intent_report.json"
    response_path = folder / "response_selection_report.json"
    intents = read_classification(intent_path, results, ["intent_confusion_matrix.png", "intent_histogram.png"])
    responses = read_classification(
        response_path, results, ["response_selection_confusion_matrix.png", "response_selection_histogram.png"]
    )
    if intents is None and responses is None:
        return None
    existing = intent_path if intent_path.exists() else response_path
    try:  # scripts/crossval.py's own summary: one figure over every label, and how honest the confidences were
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        summary = None
    return {
        "modified": _modified(existing),
        "intents": intents,
        "responses": responses,
        "low_f1": LOW_F1,
        "summary": summary,
    }


def read_trial(results: Path) -> Optional[Dict[str, Any]]:
    """The held-out question trial (``make test-trial``): right / not sure / wrong, and every miss."""
    path = results / "trial" / "trial.csv"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    if not rows or "outcome" not in rows[0]:
        return None
    counts = {outcome: sum(1 for r in rows if r["outcome"] == outcome) for outcome in OUTCOMES}
    offered = sum(1 for r in rows if r["outcome"] == NOT_SURE and r["expected"] in (r.get("offered") or "").split())
    misses = [r for r in rows if r["outcome"] != RIGHT]
    return {"modified": _modified(path), "total": len(rows), "counts": counts, "offered": offered, "misses": misses}


def write_overview(results: Path) -> Path:
    """Write ``results/index.html`` from whatever results exist; returns its path."""
    results.mkdir(parents=True, exist_ok=True)
    page = (
        environment()
        .get_template("overview.html.j2")
        .render(
            generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            e2e=read_e2e(results),
            stories=read_stories(results),
            crossval=read_crossval(results),
            trial=read_trial(results),
        )
    )
    path = results / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
