"""``make content-report``: the sign-off page (HTML, printable) and CSV of every approved answer.

Why: the clinical safety officer signs the catalogue, not the YAML. The page shows each answer as a
patient sees it (contact details filled in from ``content/contacts.yml``), with its source, checked
date, reviewer, approval date, review-by date, reading grade and status, the problems the content
check found, charts of answers by status and by review-by month, and a signature block.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional

from assistant.content.catalogue import (
    PAGE,
    RESPONSE,
    ROOT,
    SYSTEM_MESSAGE,
    TRANSLATION,
    WIDGET_TEXT,
    Catalogue,
    load_catalogue,
    source_items,
)
from assistant.content.contacts import ContactsError, load_contacts
from assistant.content.dates import as_date, today_uk
from assistant.content.rules import (
    ContentRules,
    Finding,
    answer_status,
    check_content,
    load_rules,
    text_grade,
    word_count,
)
from assistant.content.site_pages import PAGE_PLACEHOLDER
from assistant.content.system_messages import fill, load_system_messages
from assistant.content.web_texts import (
    LABEL_PREFIX,
    RenderError,
    read_widget_texts,
    setting_values_for_texts,
    text_values,
    widget_labels,
)
from assistant.staff.report_html import STATUS_COLOURS, bar_chart_svg, render_html, write_csv

RESULTS = ROOT / "results"
CSV_COLUMNS = [
    "answer_id",
    "kind",
    "topic",
    "question",
    "text",
    "source",
    "checked",
    "reviewer",
    "approved",
    "review_by",
    "reading_grade",
    "words",
    "status",
    "errors",
    "warnings",
    "file",
]
KIND_TOPIC = {
    RESPONSE: "Conversation response (domain.yml)",
    SYSTEM_MESSAGE: "Added by the assistant (system message)",
    TRANSLATION: "Other-language notice (translation)",
    WIDGET_TEXT: "Website chat widget (content/widget_texts.yml)",
    PAGE: "Demo web page (web/site)",
}
STATUS_ORDER = [
    "approved",
    "review due soon",
    "awaiting sign-off",
    "translation awaiting review",
    "review overdue (hidden)",
    "review overdue (still shown)",
    "metadata to fix",
]
STATUS_CLASS = {
    "approved": "approved",
    "review due soon": "soon",
    "awaiting sign-off": "pending",
    "translation awaiting review": "pending",
    "review overdue (hidden)": "hidden",
    "review overdue (still shown)": "hidden",
    "metadata to fix": "fix",
}


def _placeholder_values() -> Dict[str, str]:
    """Contacts, ``{urgent_routes}``, the settings and the widget's labels, as the patient sees them (the same
    values the assistant and the website widget's build use); an unknown placeholder stays visible, as it would."""
    try:
        values = text_values(load_contacts(), load_system_messages(), setting_values_for_texts())
        values.update({LABEL_PREFIX + name: text for name, text in widget_labels(read_widget_texts()).items()})
        return values
    except (ContactsError, RenderError):
        return {}  # the report still lists the answers; the content check explains the broken file


def shown_text(text: str, kind: str, values: Dict[str, str]) -> str:
    """A text with its placeholders filled (``{{name}}`` in a web page)."""
    return fill(text, values, PAGE_PLACEHOLDER) if kind == PAGE else fill(text, values)


def shown_path(path: Path) -> Path:
    """A file as staff find it: from the project folder when it is inside it."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def answer_rows(
    catalogue: Catalogue, rules: ContentRules, today: dt.date, findings: List[Finding]
) -> List[Dict[str, Any]]:
    """One row per answer, then per other patient-facing text, in file order, with what the patient sees
    and where it stands."""
    values = _placeholder_values()
    rows = []
    for answer in [*catalogue.answers.values(), *catalogue.texts.values()]:
        meta = answer.metadata
        problems = [f for f in findings if f.answer == answer.key and f.path == answer.path]
        status = answer_status(answer, today, rules)
        if (
            answer.kind == TRANSLATION
            and status == "awaiting sign-off"
            and str(meta.get("translation") or "").strip().lower() != "reviewed"
        ):
            status = "translation awaiting review"
        english = answer.kind != TRANSLATION
        grade = text_grade(answer, rules)
        rows.append(
            {
                "answer_id": answer.key,
                "kind": answer.kind,
                "topic": str(meta.get("topic") or KIND_TOPIC.get(answer.kind, answer.topic)),
                "question": str(meta.get("question") or ""),
                "text": shown_text(answer.text, answer.kind, values),
                "source": str(meta.get("source") or ""),
                "sources": source_items(meta),
                "checked": str(meta.get("checked") or ""),
                "reviewer": str(meta.get("reviewer") or ""),
                "approved": str(meta.get("approved") or ""),
                "review_by": str(meta.get("review_by") or ""),
                "reading_grade": "" if grade is None else grade,
                "words": word_count(answer.text) if english else "",
                "status": status,
                "status_class": STATUS_CLASS.get(status, "fix"),
                "problems": problems,
                "errors": sum(p.severity == "error" for p in problems),
                "warnings": sum(p.severity == "warning" for p in problems),
                "file": f"{shown_path(answer.path)}:{answer.line}",
            }
        )
    return rows


def review_months(rows: List[Dict[str, Any]]) -> Counter:
    months: Counter = Counter()
    for row in rows:
        date = as_date(row["review_by"])
        months[date.strftime("%Y-%m") if date else "no date"] += 1
    return months


def build_report(
    out_dir: Path = RESULTS, today: Optional[dt.date] = None, catalogue: Optional[Catalogue] = None
) -> Dict[str, Path]:
    """Write ``content-report.html`` and ``content-report.csv`` into ``out_dir``; return their paths."""
    today = today or today_uk()
    catalogue = catalogue or load_catalogue()
    rules = load_rules()
    findings = check_content(catalogue, rules, today)
    rows = answer_rows(catalogue, rules, today, findings)
    statuses = Counter(row["status"] for row in rows)
    status_counts = [(s, statuses[s]) for s in STATUS_ORDER if statuses[s]]
    # every status shown, even at 0 ("0 approved" is the news); "metadata to fix" only when it happens
    chart_statuses = [s for s in STATUS_ORDER if s != "metadata to fix" or statuses[s]]
    months = sorted(review_months(rows).items())
    csv_path = write_csv(out_dir / "content-report.csv", rows, CSV_COLUMNS)
    html_path = render_html(
        "content_report.html",
        out_dir / "content-report.html",
        title="CAR-T assistant: approved answers for sign-off",
        subtitle=f"The Clatterbridge Cancer Centre · {len(catalogue.answers)} answers and "
        f"{len(rows) - len(catalogue.answers)} other patient-facing texts · {today.strftime('%d %B %Y')}",
        generated=today.isoformat(),
        csv_name=csv_path.name,
        answers=rows,
        status_counts=status_counts,
        errors=sum(f.severity == "error" for f in findings),
        warnings=sum(f.severity == "warning" for f in findings),
        status_chart=bar_chart_svg(
            "Answers by status",
            chart_statuses,
            [statuses[s] for s in chart_statuses],
            [STATUS_COLOURS[s] for s in chart_statuses],
        ),
        month_chart=bar_chart_svg(
            "Answers by review-by month", [m for m, _ in months], [c for _, c in months], ylabel="answers"
        ),
    )
    return {"html": html_path, "csv": csv_path}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Write the sign-off report of every approved answer.")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the HTML and CSV (default results/)")
    parser.add_argument("--today", type=dt.date.fromisoformat, help="report as if today were this date")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", DeprecationWarning)  # library import chatter, not for staff
    paths = build_report(args.out, args.today)
    print(f"content report: {paths['html']} and {paths['csv']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
