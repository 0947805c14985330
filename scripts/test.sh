#!/usr/bin/env bash
# `make test`: set up if needed, then lint, validate the data, run pytest, train, and run the conversation,
# integration and browser tests. Any failure exits non-zero.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*"; }
# Whatever happens, gather the results into the testing report (results/index.html) at the end.
trap 'python -m testkit report || true' EXIT

scripts/setup.sh
source scripts/env.sh  # again: on a fresh clone the settings (MODEL_NAME, NLTK_DATA...) need the new venv
step "lint: ruff and mypy"
scripts/lint.sh
step "contacts file"
python -m assistant.content.contacts
step "content check (answers, examples, conversation tests)"
python -m assistant.staff.check_content
step "rasa data validate --fail-on-warnings"
rasa data validate --fail-on-warnings
step "chat widget: its texts rendered and built in (before the unit tests: one of them parses the widget with web/node_modules)"
scripts/web.sh
step "pytest (unit tests)"
python -m pytest -m "not integration and not e2e"
step "a browser for the widget's tests"
# The widget's browser tests drive Debian's Chromium (Playwright cannot download browsers here).
if ! command -v chromium >/dev/null 2>&1; then
  echo "test: installing chromium (apt)"
  { apt-get update -qq && apt-get install -y -qq chromium; } >/dev/null \
    || { echo "ERROR: the browser tests need Chromium: apt-get install chromium" >&2; exit 1; }
fi
step "insights report on PostgreSQL (a throw-away local server)"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 \
  || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
INSIGHTS_POSTGRES=1 python -m pytest tests/assistant/staff/test_insights.py -k postgresql
step "rasa train"
scripts/train.sh
step "rasa test core --stories tests --e2e --fail-on-prediction-errors (NLU and dialogue)"
rm -rf results/stories
rasa test core --model "models/$MODEL_NAME.tar.gz" --stories tests --e2e --fail-on-prediction-errors --out results/stories
step "pytest -m integration (the running assistant, and the widget in Chromium)"
# The no-outbound-connection test records the servers' network calls with strace.
command -v strace >/dev/null || { apt-get install -y -qq strace >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq strace >/dev/null); }
python -m pytest -m integration
step "end-to-end scenarios (tests/e2e) on the running assistant: results/e2e/report.html"
python -m pytest tests/e2e
step "scale-out: 2 replicas on PostgreSQL + Redis, 200 conversations, a restart; PostgreSQL and Redis stopped (~2 min)"
scripts/test_scale.sh
step "all tests passed"
