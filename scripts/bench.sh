#!/usr/bin/env bash
# `make bench`: this assistant next to Rasa's starter bot (benchmarks/__main__.py for the settings).
# Trains the starter bot and the catalogue copies and starts servers: CPU-heavy, minutes not seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
[ -f "models/$MODEL_NAME.tar.gz" ] || scripts/train.sh
python -m benchmarks "$@"
