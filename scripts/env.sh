# Shared environment for every script: sourced, not run.
# Why: the project's Python on PATH and importable; every setting (ports, model name, the libraries' own
# environment: telemetry off, Hugging Face offline...) comes from the one settings module,
# assistant/settings.py (`python -m assistant.settings` lists them), once the virtual environment exists.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export VENV="$ROOT/.venv"
export PATH="$VENV/bin:$PATH"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
if [ -x "$VENV/bin/python" ]; then
  eval "$("$VENV/bin/python" -m assistant.settings --shell)"
fi
