# Atelier: two commands set up everything (`make run`, `make test`); the rest are helpers.
# Every target is safe to run again: installs are skipped while requirements are unchanged.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)
# pytest-xdist processes for the test targets: one per core (`make test TEST_WORKERS=0` runs in one).
TEST_WORKERS ?= auto
# Bytecode caches (pytest's rewritten test modules among them) make every later pytest start
# seconds sooner, a one-module run included; some shells switch them off.
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

.DEFAULT_GOAL := help
.PHONY: help run test test-fast lint format bench migrate demo clean chromium

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

migrate: $(VENV)/.runtime ## Apply database migrations
	$(BIN)/python manage.py migrate --no-input -v 0

demo: migrate ## Load the demo shop (idempotent)
	$(BIN)/python manage.py load_demo

run: demo ## Install, migrate, load the demo, serve http://127.0.0.1:8000 with worker and beat
	@echo "Serving http://127.0.0.1:8000 with a Celery worker and beat. Ctrl-C stops them all."
	$(BIN)/honcho start -f Procfile

chromium: ## Debian's Chromium for the browser tests (installed if missing and we may)
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get install -y -qq chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null); \
		else echo "Chromium missing: run 'sudo apt-get install chromium' for the browser tests"; exit 1; fi; }

test: $(VENV)/.dev chromium ## Install and run the whole suite (SQLite; PostgreSQL + Redis when their URLs are set)
	$(PYTEST)

test-fast: $(VENV)/.dev ## The quick loop: every test but the browser and worker-process ones, in parallel
	$(PYTEST) -m "not browser and not integration"

lint: $(VENV)/.dev ## ruff, import-linter, migrations check, deploy check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run -v 0

format: $(VENV)/.dev ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.dev ## Run every benchmark at its quick size
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script --quick || exit 1; done

clean: ## Remove the embedded database, broker files and media (keeps .venv)
	rm -rf var media staticfiles
