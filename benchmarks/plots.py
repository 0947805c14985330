"""PNG plots of a benchmark run (matplotlib, no display): latency percentiles side by side, latency
along one long conversation, and training time and latency by catalogue size."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def write_all(results: Dict[str, Any], out: Path) -> None:
    ours, starter = results["assistant"], results["starter"]
    runs = ["sequential", "concurrent_8", "concurrent_32"]
    figure, axis = plt.subplots(figsize=(8, 4))
    for offset, (name, result) in enumerate((("assistant", ours), ("starter bot", starter))):
        axis.bar([i * 3 + offset for i in range(len(runs))], [result[run]["p95"] for run in runs], label=f"{name} p95")
    axis.set_xticks([i * 3 + 0.5 for i in range(len(runs))], runs)
    axis.set_ylabel("ms")
    axis.legend()
    figure.savefig(out / "latency.png", dpi=100, bbox_inches="tight")
    plt.close(figure)

    figure, axis = plt.subplots(figsize=(8, 4))
    curves = [("assistant", ours), ("starter bot", starter)]
    if results.get("assistant_unbounded"):
        curves.append(("assistant, whole sessions loaded", results["assistant_unbounded"]))
    for name, result in curves:
        axis.plot(range(1, len(result["growth_per_turn"]) + 1), result["growth_per_turn"], label=name, linewidth=0.8)
    axis.set_xlabel("turn of one conversation")
    axis.set_ylabel("ms")
    axis.legend()
    figure.savefig(out / "history_growth.png", dpi=100, bbox_inches="tight")
    plt.close(figure)

    if results["catalogue"]:
        figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
        answers = [row["answers"] for row in results["catalogue"]]
        left.plot(answers, [row["train_s"] for row in results["catalogue"]], marker="o")
        left.set_xlabel("answers")
        left.set_ylabel("training s")
        right.plot(answers, [row["sequential"]["p95"] for row in results["catalogue"]], marker="o")
        right.set_xlabel("answers")
        right.set_ylabel("p95 ms")
        figure.savefig(out / "catalogue.png", dpi=100, bbox_inches="tight")
        plt.close(figure)
