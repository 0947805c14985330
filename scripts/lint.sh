#!/usr/bin/env bash
# `make lint`: ruff's linter and formatter on every Python file, then mypy (paths and rules in
# pyproject.toml). `scripts/lint.sh --fix` applies ruff's fixes and formatting first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
if [ "${1:-}" = "--fix" ]; then
  ruff check --fix --quiet
  ruff format --quiet
fi
ruff check
ruff format --check
mypy
