#!/usr/bin/env bash
# `make test`: set up if needed, then validate the data, run pytest, train, and run the conversation
# tests. Any failure exits non-zero.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*"; }

scripts/setup.sh
step "contacts file"
python -m assistant.contacts
step "rasa data validate --fail-on-warnings"
rasa data validate --fail-on-warnings
step "pytest"
python -m pytest
step "rasa train"
scripts/train.sh
step "rasa test --stories tests --fail-on-prediction-errors"
rm -rf results/stories
rasa test core --model "models/$MODEL_NAME.tar.gz" --stories tests --fail-on-prediction-errors --out results/stories
step "all tests passed"
