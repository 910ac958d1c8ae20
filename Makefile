# ebh – the two commands of the README:
#   make run    set up, migrate an embedded SQLite database, load demo data when empty, serve the app
#   make test   set up (Python and Debian packages), check rules and letter templates, run the whole suite
# Set EBH_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test to run the suite on PostgreSQL.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test install install-test system-deps db demo check clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

system-deps:
	bash .ci/system-deps

db: install
	$(BIN)/ebh db upgrade

demo: db
	$(BIN)/ebh demo --if-empty

run: demo
	$(BIN)/ebh run --host $(HOST) --port $(PORT)

check: install
	$(BIN)/ebh rules check
	$(BIN)/ebh letters check

test: system-deps install-test check
	$(BIN)/pytest $(PYTEST_ARGS)

translations: install
	BIN=$(BIN) sh ebh/translations/update.sh

clean:
	rm -rf $(VENV) instance .pytest_cache
