# Shared environment for every script: sourced, not run.
# Why: one place that switches telemetry off, keeps servers on loopback and puts the project on PYTHONPATH.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export VENV="$ROOT/.venv"
export PATH="$VENV/bin:$PATH"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
# A patient service sends nothing to Rasa's telemetry.
export RASA_TELEMETRY_ENABLED=false
# rasa-sdk's Sanic server binds 0.0.0.0 unless told otherwise.
export SANIC_HOST=127.0.0.1
# The sentence-embedding model is installed locally (requirements-models.txt): never ask Hugging Face's hub.
export HF_HUB_OFFLINE=1
export TRANSFORMERS_OFFLINE=1
# TensorFlow: quiet, CPU only.
export TF_CPP_MIN_LOG_LEVEL=2
export CUDA_VISIBLE_DEVICES=""
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export RASA_PORT="${RASA_PORT:-5005}"
export ACTION_PORT="${ACTION_PORT:-5055}"
export MODEL_NAME="${MODEL_NAME:-cart-assistant}"
# The Rasa server authenticates to the action server with this token (endpoints.yml). `make run` writes
# the one it uses to var/action_server.token (owner-only) so that another terminal (`rasa shell`) can
# reach the same action server; otherwise a fresh random one per shell.
if [ -z "${ACTION_SERVER_TOKEN:-}" ] && [ -r "$ROOT/var/action_server.token" ]; then
  ACTION_SERVER_TOKEN="$(cat "$ROOT/var/action_server.token")"
fi
export ACTION_SERVER_TOKEN="${ACTION_SERVER_TOKEN:-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')}"
# Web pages allowed to call the chat endpoints (REST and socket.io); space-separated.
export CORS_ORIGINS="${CORS_ORIGINS:-http://127.0.0.1:8080 http://localhost:8080}"
# NLTK's pronouncing dictionary for the reading-grade check, from PyPI (assistant/staff/syllable_dictionary.py):
# without it textstat tries to download it from GitHub.
export NLTK_DATA="$ROOT/var/nltk_data"
