#!/usr/bin/env bash
# `make crossval`: NLU cross-validation on fixed folds; prints the macro F1 over every answer and intent.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
python scripts/crossval.py --folds "${FOLDS:-3}" "$@"
