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
step "content check (answers, examples, conversation tests)"
python -m assistant.content_check
step "rasa data validate --fail-on-warnings"
rasa data validate --fail-on-warnings
step "pytest (unit tests)"
python -m pytest -m "not integration"
step "insights report on PostgreSQL (a throw-away local server)"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 \
  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
INSIGHTS_POSTGRES=1 python -m pytest tests/assistant/test_insights.py -k postgresql
step "rasa train"
scripts/train.sh
step "rasa test core --stories tests --e2e --fail-on-prediction-errors (NLU and dialogue)"
rm -rf results/stories
rasa test core --model "models/$MODEL_NAME.tar.gz" --stories tests --e2e --fail-on-prediction-errors --out results/stories
step "pytest -m integration (the running assistant)"
python -m pytest -m integration
step "all tests passed"
