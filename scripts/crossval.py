"""``make crossval``: how well example questions are recognised when the model has not seen them.

Rasa's own cross-validation (``rasa test nlu --cross-validation``: train on two thirds of the examples, ask
the other third, three times over) on the served ``config.yml``, with three things added:

- folds fixed by the examples' own text, not drawn at random: within each label the examples are put in
  the order of a hash of their text and dealt to the folds in turn, so every label is split evenly (as
  Rasa's stratified split does) and the same data gives the same folds. A change to one label's examples
  moves only that label's folds; the others stay where they were. Rasa draws its folds on one random
  stream, so one example added or removed redraws most labels' folds, and the draw alone moved the figure
  by about 0.005 (7 December 2026): too much to judge a change by. A label with fewer examples than folds
  is left out, as Rasa does;
- one figure over every label, the way a patient meets it: an answer counts as right only when both the
  kind of message and the answer are right (Rasa reports the two separately), and the weakest ten labels;
- how honest the confidences are: for bands of confidence, how often the first choice was right, and what
  the served threshold (FallbackClassifier in config.yml) does: answered right, answered wrong, not sure.

Everything Rasa writes (reports, confusion matrix, errors) stays in ``results/crossval/``; the summary is
``results/crossval/summary.json`` and the last line printed is ``crossval: label_macro_f1=… seconds=…``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FOLD_SALT = b"crossval"  # not the matcher's own calibration folds (a CRC of the same text): independent of them
BANDS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001)


def text_order(label: str, text: str) -> bytes:
    """Where an example stands among its label's examples: a hash of its text, not its place in the files."""
    return hashlib.blake2b(f"{label}\n{text}".encode("utf-8"), digest_size=8, person=FOLD_SALT).digest()


def fold_numbers(examples: List[Tuple[str, str]], folds: int) -> List[int]:
    """Each (label, text)'s fold: its label's examples in ``text_order``, dealt to the folds in turn."""
    by_label: Dict[str, List[int]] = {}
    for index, (label, _) in enumerate(examples):
        by_label.setdefault(label, []).append(index)
    numbers = [0] * len(examples)
    for indexes in by_label.values():
        for rank, index in enumerate(sorted(indexes, key=lambda i: text_order(*examples[i]))):
            numbers[index] = rank % folds
    return numbers


def text_folds(n: int, training_data: Any) -> Iterator[Tuple[Any, Any]]:
    """Rasa's ``generate_folds`` (train, test) pairs, on the folds of ``fold_numbers``."""
    from rasa.shared.nlu.training_data.training_data import TrainingData

    examples = training_data.intent_examples
    numbers = fold_numbers([(e.get_full_intent(), str(e.get("text"))) for e in examples], n)
    for fold in range(n):
        parts = (
            [e for e, f in zip(examples, numbers, strict=True) if f != fold],
            [e for e, f in zip(examples, numbers, strict=True) if f == fold],
        )
        yield tuple(
            TrainingData(
                training_examples=part,
                entity_synonyms=training_data.entity_synonyms,
                regex_features=training_data.regex_features,
                lookup_tables=training_data.lookup_tables,
                responses=training_data.responses,
            )
            for part in parts
        )


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def label_predictions(out: Path) -> List[Tuple[str, str, float, str]]:
    """(gold label, first-choice label, its confidence, text) for every example, from Rasa's result files."""
    intents = read(out / "intent_successes.json") + read(out / "intent_errors.json")
    answers = {
        r["text"]: r
        for r in read(out / "response_selection_successes.json") + read(out / "response_selection_errors.json")
    }
    rows = []
    for record in intents:
        predicted = record.get("intent_prediction") or {}
        predicted_intent, confidence = str(predicted.get("name")), float(predicted.get("confidence") or 0.0)
        answer = answers.get(record["text"])
        gold = answer["intent_response_key_target"] if answer else record["intent"]
        chosen = (answer or {}).get("intent_response_key_prediction") or {}
        if answer is not None and chosen.get("name") and str(chosen["name"]).split("/")[0] == predicted_intent:
            predicted_label = str(chosen["name"])
        else:
            predicted_label = predicted_intent
        rows.append((gold, predicted_label, confidence, record["text"]))
    return rows


def summarise(rows: List[Tuple[str, str, float, str]], threshold: float) -> Dict:
    from sklearn.metrics import classification_report

    gold = [r[0] for r in rows]
    predicted = [r[1] for r in rows]
    report = classification_report(gold, predicted, labels=sorted(set(gold)), output_dict=True, zero_division=0)
    per_label = {k: v for k, v in report.items() if k in set(gold)}
    right = np.array([g == p for g, p, _, _ in rows])
    confidence = np.array([c for _, _, c, _ in rows])
    bands = []
    for low, high in zip(BANDS, BANDS[1:], strict=False):
        inside = (confidence >= low) & (confidence < high)
        if inside.any():
            bands.append(
                {
                    "from": low,
                    "to": min(high, 1.0),
                    "examples": int(inside.sum()),
                    "mean_confidence": round(float(confidence[inside].mean()), 3),
                    "right": round(float(right[inside].mean()), 3),
                }
            )
    served = confidence >= threshold
    confusions = Counter((g, p) for g, p, _, _ in rows if g != p)
    return {
        "examples": len(rows),
        "labels": len(per_label),
        "label_macro_f1": round(report["macro avg"]["f1-score"], 4),
        "label_accuracy": round(float(right.mean()), 4),
        "weakest_ten": [
            {"label": k, "f1": round(v["f1-score"], 3), "support": int(v["support"])}
            for k, v in sorted(per_label.items(), key=lambda kv: (kv[1]["f1-score"], kv[0]))[:10]
        ],
        "most_confused": [{"gold": g, "predicted": p, "times": n} for (g, p), n in confusions.most_common(10)],
        "confidence_bands": bands,
        "at_threshold": {
            "threshold": threshold,
            "answered_right": int((served & right).sum()),
            "answered_wrong": int((served & ~right).sum()),
            "not_sure": int((~served).sum()),
        },
    }


def served_threshold(config: Dict) -> float:
    return next(float(c.get("threshold", 0.3)) for c in config["pipeline"] if c["name"] == "FallbackClassifier")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--config", default=str(ROOT / "config.yml"))
    parser.add_argument("--data", default=str(ROOT / "data"))
    parser.add_argument("--out", default=str(ROOT / "results" / "crossval"))
    args = parser.parse_args()

    import rasa.nlu.test
    from rasa.model_testing import perform_nlu_cross_validation
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    # Rasa's progress at INFO, as `rasa test nlu` prints it (without this, structlog prints every parse).
    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.json"):
        old.unlink()
    config = TrainingDataImporter.load_from_dict(config_path=args.config).get_config()
    data = TrainingDataImporter.load_from_dict(
        training_data_paths=[args.data], domain_path=str(ROOT / "domain.yml")
    ).get_nlu_data()
    started = time.monotonic()
    rasa.nlu.test.generate_folds = text_folds  # Rasa's cross_validate takes its folds from this function
    asyncio.run(
        perform_nlu_cross_validation(
            config, data, str(out), {"folds": args.folds, "successes": True, "errors": True, "disable_plotting": False}
        )
    )
    seconds = time.monotonic() - started
    summary = summarise(label_predictions(out), served_threshold(config))
    summary.update({"folds": args.folds, "folds_fixed_by": "examples' text", "seconds": round(seconds)})
    for name in ("intent_report.json", "response_selection_report.json"):
        report = read(out / name)
        if report:
            summary[name.replace("_report.json", "_macro_f1")] = round(report["macro avg"]["f1-score"], 4)
    (out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")

    print(f"\n{summary['examples']} examples, {summary['labels']} labels (answers and intents), {args.folds} folds")
    print("weakest labels:", ", ".join(f"{w['label']} {w['f1']:.2f}" for w in summary["weakest_ten"]))
    print(
        "most confused:", ", ".join(f"{c['gold']} -> {c['predicted']} ({c['times']})" for c in summary["most_confused"])
    )
    print(
        "confidence band: share right",
        "; ".join(
            f"{b['from']:.2f}-{b['to']:.2f}: {b['right']:.2f} of {b['examples']}" for b in summary["confidence_bands"]
        ),
    )
    t = summary["at_threshold"]
    print(
        f"served threshold {t['threshold']}: answered right {t['answered_right']}, answered wrong "
        f"{t['answered_wrong']}, not sure {t['not_sure']}"
    )
    print(
        f"crossval: label_macro_f1={summary['label_macro_f1']:.3f} "
        f"intent_macro_f1={summary.get('intent_macro_f1', 0):.3f} "
        f"response_selection_macro_f1={summary.get('response_selection_macro_f1', 0):.3f} seconds={seconds:.0f} "
        f"(results/crossval/)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
