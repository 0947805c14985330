#!/usr/bin/env bash
# Train the model; Rasa's own cache decides what really needs retraining (seconds when nothing changed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
# Same data, same model on every machine: seeded components (config.yml) and deterministic TF ops.
export TF_DETERMINISTIC_OPS=1
rasa train --fixed-model-name "$MODEL_NAME" --out models --quiet "$@"
