"""The impact page and its CSV: per week or month, how many people the assistant helped and how.

The figures come from :func:`assistant.staff.figures.impact` (the same read layer as ``make insights``), at most a
minute old (:mod:`assistant.console.figures_cache`). Every role may see them. The charts are plain SVG drawn on the
server (:mod:`assistant.staff.charts`: no script, no inline style, so the console's Content-Security-Policy stays
as it is), each with its figures' table beside it and a line saying how the figure is counted (``messages.yml``).
"""

from __future__ import annotations

import csv
import io
from typing import Any, Dict, List, Optional

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.console.ui import Pages
from assistant.staff.charts import bar_chart
from assistant.staff.figures import IMPACT_CSV_COLUMNS, MONTH, PERIODS, WEEK, PeriodFigures, impact, impact_rows

# The figures drawn as charts, in the page's order: (key in messages.yml, value of a period, unit, fixed maximum).
CHARTED = (
    ("conversations", "conversations", "", None),
    ("answered", "answered", "", None),
    ("not_sure_rate", "not_sure_rate", "%", 100.0),
    ("handoffs", "handoffs", "", None),
    ("urgent_help", "urgent_help", "", None),
    ("helpful_rate", "helpful_rate", "%", 100.0),
)


def chosen_period(request: Request) -> str:
    period = str(request.args.get("period") or WEEK)
    return period if period in PERIODS else WEEK


def short_label(row: PeriodFigures, period: str) -> str:
    """The label under a chart's bar: ``23 Nov`` for a week, ``Nov 2026`` for a month."""
    return f"{row.start.day} {row.start:%b}" if period == WEEK else f"{row.start:%b %Y}"


def shown(value: Any, unit: str) -> str:
    return "–" if value is None else f"{value:g}{unit}"


def cell(row: PeriodFigures, key: str, unit: str) -> str:
    """A table cell: the figure, and for a rate what it is a share of ("12% (3 of 25)")."""
    value = getattr(row, key)
    if value is None:
        return shown(value, unit)
    if key == "not_sure_rate":
        return f"{shown(value, unit)} ({row.not_sure} of {row.questions})"
    if key == "helpful_rate":
        return f"{shown(value, unit)} ({row.helpful_yes} of {row.helpful_yes + row.helpful_no})"
    return shown(value, unit)


def sections(rows: List[PeriodFigures], period: str, texts: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Each charted figure: its title, how it is counted, its chart and its table's cells."""
    labels = [short_label(row, period) for row in rows]
    per = texts["per"][period]
    made = []
    for key, attribute, unit, maximum in CHARTED:
        values: List[Optional[float]] = [getattr(row, attribute) for row in rows]
        title = texts["figures"][key]["title"]
        made.append(
            {
                "key": key,
                "title": title,
                "counted": texts["figures"][key]["counted"],
                "chart": bar_chart(f"chart-{key}", f"{title}, {per}", labels, values, unit, maximum),
                "cells": [(row.label, cell(row, attribute, unit)) for row in rows],
            }
        )
    return made


def csv_text(rows: List[PeriodFigures]) -> str:
    """The impact figures as CSV, with a byte-order mark so Excel reads it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=IMPACT_CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(impact_rows(rows))
    return "\ufeff" + buffer.getvalue()


def register(app: Sanic, ui: Pages) -> None:
    texts = ui.messages["impact"]

    @app.get("/impact")
    async def impact_page(request: Request) -> HTTPResponse:
        period = chosen_period(request)
        if not await ui.read_figures():
            return ui.page(request, "impact.html", 503, period=period, error=ui.notices["figures_unavailable"])
        rows = ui.figures.derived(("impact", period), lambda data: impact(data, period))
        made = ui.figures.derived(("impact-sections", period), lambda _: sections(rows, period, texts))
        return ui.page(request, "impact.html", period=period, rows=rows, sections=made, periods=PERIODS)

    @app.get("/impact.csv")
    async def impact_csv(request: Request) -> HTTPResponse:
        period = chosen_period(request)
        if not await ui.read_figures():
            return ui.notice(request, "figures_unavailable", 503)
        rows = ui.figures.derived(("impact", period), lambda data: impact(data, period))
        name = f"impact-per-{period if period in (WEEK, MONTH) else WEEK}.csv"
        return response.text(
            csv_text(rows),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
