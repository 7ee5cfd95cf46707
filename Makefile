# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?=

.PHONY: run test lint install chromium nlu-model bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Serve the bot on the embedded SQLite with the web chat at http://127.0.0.1:8000/chat
run: install
	$(BIN)/aman serve --host 127.0.0.1 --port 8000

## Debian's chromium for the browser tests (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

## The whole suite (Postgres-marked tests run when TEST_DATABASE_URL is set).
test: install chromium
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/nlu.py
	$(BIN)/python bench/agencies.py
	$(BIN)/python bench/channels.py
	$(BIN)/python bench/console.py
	$(BIN)/python bench/blind_first_runs.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
