#!/usr/bin/env bash
# `make run`: set up, train if needed, then run the action server (127.0.0.1:5055), the
# Rasa server (127.0.0.1:5005, REST and socket.io channels, SQLite tracker store) and the demo page
# with the chat widget (http://127.0.0.1:8080). Ctrl-C stops all three.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

scripts/setup.sh
# Refuse to start with a broken contacts file (the message names the contact and field).
python -m assistant.content.contacts
scripts/train.sh
scripts/web.sh
mkdir -p var
( umask 077 && printf '%s' "$ACTION_SERVER_TOKEN" > var/action_server.token )
# The test clock (actions/clock.py) is for `make test-e2e` only: never let a shell setting leak in.
unset CART_TEST_CLOCK
# Browsers may call the assistant only from these pages (space-separated; default: the demo page).
export WEB_PORT="${WEB_PORT:-8080}"
export CORS_ORIGINS="${CORS_ORIGINS:-http://127.0.0.1:$WEB_PORT http://localhost:$WEB_PORT}"

pids=()
stop_all() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap stop_all INT TERM EXIT

# Rasa's HTTP API (conversations, model) stays off unless RASA_ENABLE_API=true, and then needs a token;
# its /model routes are refused whatever the setting (assistant/server/http_guard.py).
api_args=()
if [ "${RASA_ENABLE_API:-false}" = "true" ]; then
  if [ -z "${RASA_API_TOKEN:-}" ]; then
    echo "run: RASA_ENABLE_API=true needs RASA_API_TOKEN (the API would be open to anyone)" >&2
    exit 1
  fi
  api_args=(--enable-api --auth-token "$RASA_API_TOKEN")
fi

python -m assistant.server.action_server --actions actions --port "$ACTION_PORT" &
pids+=($!)
# shellcheck disable=SC2086  # CORS_ORIGINS is a space-separated list: one --cors value per origin
rasa run --model "models/$MODEL_NAME.tar.gz" --interface 127.0.0.1 --port "$RASA_PORT" \
  --endpoints "${ENDPOINTS:-endpoints.yml}" --credentials credentials.yml "${api_args[@]}" \
  --cors $CORS_ORIGINS &
rasa_pid=$!
pids+=("$rasa_pid")
python -m http.server "$WEB_PORT" --bind 127.0.0.1 --directory web/dist >/dev/null 2>&1 &
pids+=($!)

echo "run: action server http://127.0.0.1:$ACTION_PORT/health, assistant http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook (ready in about 15 s; Ctrl-C stops all)"
echo "run: demo page with the chat widget: http://127.0.0.1:$WEB_PORT/ (allowed origins: $CORS_ORIGINS)"
# Runs until Ctrl-C or until the Rasa server exits. If only the action server stops, the assistant
# keeps answering (catalogue, urgent help, a static "reach a person" message) in degraded mode.
wait "$rasa_pid"
