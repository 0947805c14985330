# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help setup run test train validate pytest test-stories crossval check-contacts lock clean \
	check-content content-report insights bench-publish

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

setup:  ## create .venv (Python 3.10), install requirements.lock, build the spaCy pipeline
	@scripts/setup.sh

run:  ## set up, train if needed, run the action server (:5055) and the assistant (:5005)
	@scripts/run.sh

test:  ## set up, validate data, pytest, train, conversation tests
	@scripts/test.sh

train: setup  ## train the model (Rasa's cache skips unchanged parts)
	@scripts/train.sh

validate: setup  ## rasa data validate --fail-on-warnings
	@source scripts/env.sh && rasa data validate --fail-on-warnings

pytest: setup  ## unit tests only (e.g. make pytest ARGS="-k handoff")
	@source scripts/env.sh && python -m pytest $(ARGS)

test-stories: train  ## conversation tests only (tests/test_*.yml)
	@source scripts/env.sh && rasa test core --model models/$${MODEL_NAME}.tar.gz --stories tests --e2e --fail-on-prediction-errors --out results/stories

crossval: setup  ## NLU cross-validation (3 folds): intent and response-selection F1 under results/crossval
	@scripts/crossval.sh

check-contacts: setup  ## check config/contacts.yml
	@source scripts/env.sh && python -m assistant.contacts

check-content: setup  ## check the answers: problems in plain words with file and line (ARGS=--all lists every warning)
	@source scripts/env.sh && python -m assistant.content_check $(ARGS)

content-report: setup  ## sign-off report of every answer: results/content-report.html and .csv
	@source scripts/env.sh && python -m assistant.content_report $(ARGS)

insights: setup  ## what patients asked that the assistant could not answer: results/insights.html and .csv
	@source scripts/env.sh && python -m assistant.insights $(ARGS)

bench-publish: setup  ## time from saving an answer's wording to a patient seeing it, next to a full rasa train
	@source scripts/env.sh && python scripts/bench_publish.py $(ARGS)

lock:  ## re-resolve requirements.in into requirements.lock (pip-tools)
	@source scripts/env.sh && pip-compile --quiet --no-strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements.lock requirements.in

clean:  ## remove models, results, caches and local data (keeps .venv)
	rm -rf models results .rasa var/tracker.db .pytest_cache
