#!/usr/bin/env bash
# Builds the website chat widget and its demo pages into web/dist (idempotent; a few seconds), their texts
# rendered first by `python -m assistant.content.web_texts` into web/texts.json (needs the project's .venv).
# Installs web/node_modules from web/package-lock.json (`npm ci`) when missing or out of date, so a
# fresh machine needs only Node.js and npm. Usage: scripts/web.sh [CHAT_SERVER_URL]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT/web"

if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "web: installing Node.js and npm (apt)"
    { apt-get update -qq && apt-get install -y -qq nodejs npm; } >/dev/null
  else
    echo "ERROR: the chat widget needs Node.js 20+ and npm (e.g. apt-get install nodejs npm)." >&2
    exit 1
  fi
fi

if ! node -e 'process.exit(parseInt(process.versions.node) >= 20 ? 0 : 1)'; then
  echo "ERROR: the chat widget's build needs Node.js 20+ (found $(node --version)); nhsuk-frontend and sass require it." >&2
  exit 1
fi

stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "web: npm ci (the widget's front-end packages, from web/package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

# Every text of the widget and the demo pages, rendered by the assistant's own code (contacts, urgent routes,
# settings) from content/widget_texts.yml and web/site/: build.mjs only reads the result.
"$VENV/bin/python" -m assistant.content.web_texts "$ROOT/web/texts.json" \
  --chat-server "${1:-${CHAT_SERVER_URL:-http://127.0.0.1:$RASA_PORT}}"
WEB_TEXTS="$ROOT/web/texts.json" node build.mjs
