#!/usr/bin/env bash
# `make audit`: pip-audit of both locks against PyPI's advisory data (OSV-backed): requirements.lock with
# requirements-models.txt (what a deployment installs) and requirements-dev.lock (the developers' and CI's venv:
# the same packages plus the test and lint tools). pip-audit runs from its own venv (var/audit-venv, from the
# hash-checked requirements-audit.lock): it cannot share the project's venv (see requirements-audit.in).
# Dispositions of every advisory: docs/security.md. Exits non-zero when an advisory is found, like pip-audit;
# extra arguments go to pip-audit (e.g. scripts/audit.sh --format json).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

AUDIT_VENV="$ROOT/var/audit-venv"
if [ ! -x "$AUDIT_VENV/bin/pip-audit" ] || [ requirements-audit.lock -nt "$AUDIT_VENV/bin/pip-audit" ]; then
  python3 -m venv "$AUDIT_VENV"
  "$AUDIT_VENV/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r requirements-audit.lock
  touch "$AUDIT_VENV/bin/pip-audit"
fi
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
status=0
audit() {  # a title, then the requirement files audited together
  local title=$1 file args=()
  shift
  for file in "$@"; do args+=(--requirement "$file"); done
  echo "== $title: $* ($(cat "$@" | grep -cE '^[A-Za-z0-9]') packages)"
  "$AUDIT_VENV/bin/pip-audit" "${args[@]}" --no-deps --disable-pip --vulnerability-service pypi \
    --progress-spinner off --desc on "${extra[@]}" | tee -a "$report" || status=$?
}
extra=("$@")
audit production requirements.lock requirements-models.txt
audit development requirements-dev.lock
# pip-audit says "No known vulnerabilities found" even when it could look nothing up: refuse that.
skipped=$(grep -c "could not be audited" "$report" || true)
if [ "$skipped" -gt 0 ]; then
  echo "audit: $skipped packages could NOT be checked (advisory service unreachable from here);" \
       "the audit is incomplete. See docs/security.md for the manual review." >&2
  exit 2
fi
exit "$status"
