"""Percentiles, ratios, the side-by-side table and the one-line summary of a benchmark run.

Why separate: the only parts of the benchmarks that can be wrong without a server running, so they
are unit-tested (tests/benchmarks/test_stats.py).
"""

from __future__ import annotations

import math
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

Row = Tuple[str, Optional[float], Optional[float]]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation between ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(milliseconds: Sequence[float]) -> Dict[str, float]:
    """p50/p95/p99 and the count of a list of turn latencies."""
    return {
        "n": len(milliseconds),
        "p50": percentile(milliseconds, 50),
        "p95": percentile(milliseconds, 95),
        "p99": percentile(milliseconds, 99),
    }


def ratio(ours: Optional[float], theirs: Optional[float]) -> Optional[float]:
    """ours ÷ theirs, or None when either is missing or the divisor is zero."""
    if ours is None or theirs is None or theirs == 0:
        return None
    return ours / theirs


def window_median(per_turn: Sequence[float], turn: int, width: int = 10) -> float:
    """Median latency of the ``width`` turns ending at ``turn`` (1-based); the first ``width`` for turn 1."""
    end = max(turn, min(width, len(per_turn)))
    return percentile(per_turn[max(0, end - width) : end], 50)


def _cell(value: Optional[float]) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.2f}"


def format_table(rows: Iterable[Row], names: Tuple[str, str] = ("assistant", "starter bot")) -> str:
    """Aligned text table: metric, this assistant, the starter bot, and the ratio of the two."""
    lines: List[List[str]] = [["metric", names[0], names[1], "ratio"]]
    for metric, ours, theirs in rows:
        lines.append([metric, _cell(ours), _cell(theirs), _cell(ratio(ours, theirs))])
    widths = [max(len(line[column]) for line in lines) for column in range(4)]
    return "\n".join(
        "  ".join(
            cell.ljust(widths[0]) if column == 0 else cell.rjust(widths[column]) for column, cell in enumerate(line)
        )
        for line in lines
    )


def summary_line(
    p95_ratio: Optional[float],
    throughput_ratio: Optional[float],
    growth_300_vs_1: Optional[float],
    rss_gib: Optional[float],
) -> str:
    """The closing line of ``make bench`` (ratios: this assistant ÷ starter bot)."""

    def fmt(value: Optional[float]) -> str:
        return "na" if value is None else f"{value:.2f}"

    return (
        f"bench: p95_ratio={fmt(p95_ratio)} throughput_ratio={fmt(throughput_ratio)} "
        f"growth_300_vs_1={fmt(growth_300_vs_1)} rss_gib={fmt(rss_gib)}"
    )
