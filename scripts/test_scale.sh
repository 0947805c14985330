#!/usr/bin/env bash
# `make test-scale`: two Rasa replicas + one action server on a throw-away PostgreSQL and Redis
# (tests/scale). Installs the Debian packages when missing. ~5 min, CPU-heavy.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test-scale: installing ${missing[*]} (apt)"
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; }; } >/dev/null
fi
[ -f "models/$MODEL_NAME.tar.gz" ] || scripts/train.sh
SCALE_TEST=1 python -m pytest -m scale tests/scale -s "$@"
