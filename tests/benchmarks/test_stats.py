"""Percentiles, ratios, the side-by-side table and the summary line say what was measured."""

import pytest

from benchmarks.stats import format_table, latency_summary, percentile, ratio, summary_line, window_median


def test_percentiles_interpolate_between_ranks_like_numpy():
    values = [10, 20, 30, 40, 50]
    assert percentile(values, 50) == 30
    assert percentile(values, 95) == pytest.approx(48)
    assert percentile(list(reversed(values)), 0) == 10


def test_a_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        percentile([], 50)


def test_a_latency_summary_counts_the_turns():
    assert latency_summary([1.0] * 7) == {"n": 7, "p50": 1.0, "p95": 1.0, "p99": 1.0}


def test_a_ratio_is_missing_when_either_side_is():
    assert ratio(3, 2) == 1.5
    assert ratio(None, 2) is None and ratio(3, 0) is None


def test_the_window_of_turn_one_is_the_first_ten_turns_and_later_ones_end_at_the_turn():
    per_turn = list(range(1, 301))
    assert window_median(per_turn, 1) == 5.5
    assert window_median(per_turn, 300) == 295.5


def test_the_table_puts_the_ratio_next_to_both_figures():
    table = format_table([("sequential p95 ms", 52.0, 40.0), ("action server RSS GiB", 0.12, None)])
    lines = table.splitlines()
    assert lines[0].split() == ["metric", "assistant", "starter", "bot", "ratio"]
    assert lines[1].split()[-3:] == ["52.00", "40.00", "1.30"]
    assert lines[2].split()[-2:] == ["-", "-"]


def test_the_summary_line_has_the_exact_closing_format():
    assert summary_line(1.234, 0.9, None, 1.3) == (
        "bench: p95_ratio=1.23 throughput_ratio=0.90 growth_300_vs_1=na rss_gib=1.30"
    )
