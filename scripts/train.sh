#!/usr/bin/env bash
# Train the model; Rasa's own cache decides what really needs retraining (seconds when nothing changed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
rasa train --fixed-model-name "$MODEL_NAME" --out models --quiet "$@"
