#!/usr/bin/env bash
# `make crossval`: NLU cross-validation; prints intent and response-selection macro F1.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
folds="${FOLDS:-3}"
export TF_DETERMINISTIC_OPS=1
rm -rf results/crossval
rasa test nlu --nlu data --config config.yml --cross-validation --folds "$folds" --out results/crossval
python - <<'PY'
import json, pathlib
out = pathlib.Path("results/crossval")
def macro_f1(name):
    path = out / name
    if not path.exists():
        return None
    return json.loads(path.read_text())["macro avg"]["f1-score"]
intent = macro_f1("intent_report.json")
response = macro_f1("response_selection_report.json")
fmt = lambda v: "n/a" if v is None else f"{v:.3f}"
print(f"crossval: intent_macro_f1={fmt(intent)} response_selection_macro_f1={fmt(response)} (reports and images in results/crossval/)")
PY
