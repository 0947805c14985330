"""Shared pieces of the staff reports (sign-off report, insights): bar charts and HTML pages.

Why: both reports are opened by clinical staff in a browser and printed for sign-off, so they share
one look (``templates/report_base.html``), print styles, and charts drawn by matplotlib as inline
SVG: one self-contained file, no scripts, nothing fetched from the internet.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Dict, Iterable, List, Sequence

import matplotlib

matplotlib.use("Agg")  # no display on a server
import matplotlib.pyplot as plt  # noqa: E402
from jinja2 import Environment, FileSystemLoader, select_autoescape  # noqa: E402
from markupsafe import Markup, escape  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

TEMPLATES = Path(__file__).resolve().parent / "templates"
NHS_BLUE = "#005eb8"
STATUS_COLOURS = {
    "approved": "#007f3b",
    "review due soon": "#ffb81c",
    "awaiting sign-off": NHS_BLUE,
    "translation awaiting review": "#768692",
    "review overdue (hidden)": "#d5281b",
    "review overdue (still shown)": "#d5281b",
    "metadata to fix": "#d5281b",
}


def bar_chart_svg(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    colours: Sequence[str] = (),
    horizontal: bool = False,
    ylabel: str = "",
) -> str:
    """A small bar chart as an inline ``<svg>`` string (text kept as text, so it prints sharply)."""
    plt.rcParams["svg.fonttype"] = "none"
    height = max(2.6, 0.32 * len(labels) + 1) if horizontal else 3.0
    figure, axes = plt.subplots(figsize=(7.5, height))
    colours = list(colours) or [NHS_BLUE] * len(labels)
    if not labels:
        axes.text(0.5, 0.5, "no data yet", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
    elif horizontal:
        positions = range(len(labels))[::-1]
        axes.barh(list(positions), values, color=colours)
        axes.set_yticks(list(positions), labels)
        for position, value in zip(positions, values, strict=False):
            axes.text(value, position, f" {value:g}", va="center")
    else:
        bars = axes.bar(range(len(labels)), values, color=colours, width=0.6)
        axes.set_xlim(-0.8, max(len(labels), 4) - 0.2)
        axes.set_xticks(
            range(len(labels)),
            labels,
            rotation=30 if len(labels) > 6 else 0,
            ha="right" if len(labels) > 6 else "center",
        )
        axes.bar_label(bars, labels=[f"{v:g}" for v in values])
        axes.set_ylabel(ylabel)
    (axes.xaxis if horizontal else axes.yaxis).set_major_locator(MaxNLocator(integer=True))  # counts are whole
    axes.set_title(title, loc="left", fontsize=11, fontweight="bold")
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]  # drop the XML prolog: the SVG sits inside the HTML page


def bold_markdown(text: str) -> Markup:
    """Answer text as the chat widget shows it: ``**bold**`` in bold, everything else escaped."""
    parts = str(escape(text)).split("**")
    return Markup("".join(f"<strong>{part}</strong>" if i % 2 else part for i, part in enumerate(parts)))


def render_html(template: str, path: Path, **context: Any) -> Path:
    """Write an HTML report from ``assistant/templates/<template>`` (values are HTML-escaped)."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    environment.filters["bold_markdown"] = bold_markdown
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(environment.get_template(template).render(**context), encoding="utf-8")
    return path


def write_csv(path: Path, rows: Iterable[Dict[str, Any]], columns: List[str]) -> Path:
    """A CSV staff can open in Excel (UTF-8 with BOM so accents and dashes show correctly)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path
