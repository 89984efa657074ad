# Webcare Inbox. `make run` starts the whole product; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: help run test faults lint messages check-python clean

help:
	@echo "make run    set up (first time) and start web, Celery worker and beat on http://$(HOST):$(PORT)"
	@echo "make test   set up (first time) and run lint and the test suite"
	@echo "make faults kill a worker, stop Redis and restart PostgreSQL under load, on private servers (FAULTS=kill)"
	@echo "make messages  refresh and compile the Dutch and English translation catalogues"

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
		{ echo "Webcare Inbox needs Python 3.11 or newer as '$(PYTHON)' (set PYTHON=...)." >&2; exit 1; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo_setup --base-url http://$(HOST):$(PORT)
	@echo "Starting web (http://$(HOST):$(PORT)), worker and beat. Ctrl-C stops all three."
	HOST=$(HOST) PORT=$(PORT) WEBCARE_FETCH_ALLOW_PRIVATE=$${WEBCARE_FETCH_ALLOW_PRIVATE:-$(HOST):$(PORT)} \
		WEBCARE_BASE_URL=$${WEBCARE_BASE_URL:-http://$(HOST):$(PORT)} \
		$(BIN)/honcho start --procfile Procfile.dev || [ $$? -eq 130 ]  # 130: stopped with Ctrl-C

test: lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Needs initdb, pg_ctl and redis-server; starts its own servers on free ports. FAULTS="kill redis" picks some.
faults: $(VENV)/.dev
	$(BIN)/python faults/run.py $(FAULTS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports --no-cache

messages: $(VENV)/.dev
	$(BIN)/python manage.py makemessages --locale nl --locale en --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'benchmarks/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var .pytest_cache
