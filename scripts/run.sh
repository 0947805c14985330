#!/usr/bin/env bash
# `make run`: one line per step. Set up, check the contacts, train if needed, build the demo page, then
# start the action server, the assistant and the demo page (assistant/server/launcher.py), ending with
# the page to open. Full logs go to var/log/; Ctrl-C stops everything.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
mkdir -p var/log

scripts/setup.sh
source scripts/env.sh  # again: on a fresh clone the settings (MODEL_NAME, NLTK_DATA...) need the new venv
echo "run: set-up ready (.venv, Python 3.10)"
# Refuse to start with a broken contacts file (the message names the contact and field).
python -m assistant.content.contacts >var/log/contacts.log || { cat var/log/contacts.log >&2; exit 1; }
echo "run: contacts file checked (content/contacts.yml)"

# Training: seconds when nothing changed (Rasa's cache), about a minute on 2 cores the first time.
# Rasa's and TensorFlow's own messages go to the log; a line with the elapsed time shows it is working.
scripts/train.sh >var/log/train.log 2>&1 &
train_pid=$!
started=$SECONDS
if [ -t 1 ]; then  # a terminal: count the seconds on one line
  while kill -0 "$train_pid" 2>/dev/null; do
    printf '\rrun: training the model (about 1 minute the first time, seconds after): %3d s ' $((SECONDS - started))
    sleep 1
  done
else
  echo "run: training the model (about 1 minute the first time, seconds after)"
fi
if ! wait "$train_pid"; then
  printf '\n' && tail -n 20 var/log/train.log >&2
  echo "run: training failed; the full log is var/log/train.log" >&2
  exit 1
fi
printf '\rrun: model ready in %d s (models/%s.tar.gz; log var/log/train.log)          \n' $((SECONDS - started)) "$MODEL_NAME"

scripts/web.sh >var/log/web.log 2>&1 || { cat var/log/web.log >&2; exit 1; }
echo "run: demo page built (web/dist)"
exec python -m assistant.server.launcher
