#!/usr/bin/env bash
# `make audit`: pip-audit of requirements.lock against PyPI's advisory data (OSV-backed).
# pip-audit runs from its own venv (var/audit-venv, from requirements-audit.lock): it cannot share the
# project's venv (see requirements-audit.in). Dispositions of every advisory: docs/security.md.
# Exits non-zero when an advisory is found, like pip-audit; extra arguments go to pip-audit
# (e.g. `make audit ARGS="--format json"` is not wired: run scripts/audit.sh --format json).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

AUDIT_VENV="$ROOT/var/audit-venv"
if [ ! -x "$AUDIT_VENV/bin/pip-audit" ] || [ requirements-audit.lock -nt "$AUDIT_VENV/bin/pip-audit" ]; then
  python3 -m venv "$AUDIT_VENV"
  "$AUDIT_VENV/bin/pip" install --quiet --disable-pip-version-check -r requirements-audit.lock
  touch "$AUDIT_VENV/bin/pip-audit"
fi
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
status=0
"$AUDIT_VENV/bin/pip-audit" --requirement requirements.lock --requirement requirements-models.txt --no-deps --disable-pip \
  --vulnerability-service pypi --progress-spinner off --desc on "$@" | tee "$report" || status=$?
# pip-audit says "No known vulnerabilities found" even when it could look nothing up: refuse that.
total=$(cat requirements.lock requirements-models.txt | grep -cE '^[A-Za-z0-9]')
skipped=$(grep -c "could not be audited" "$report" || true)
if [ "$skipped" -gt 0 ]; then
  echo "audit: $skipped of $total packages could NOT be checked (advisory service unreachable from here);" \
       "the audit is incomplete. See docs/security.md for the manual review." >&2
  exit 2
fi
exit "$status"
