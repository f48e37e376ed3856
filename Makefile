# Two commands: `make run` (the app with demo content) and `make test` (every test).
# `make test-quick` leaves out the browser and slow tests, for running often while working.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
DB ?= instance/fieldkit.db
DEMO_SUBMISSIONS ?= 200

.PHONY: install run test test-quick bench clean

$(BIN)/fieldkit: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/fieldkit

run: install
	$(BIN)/fieldkit --db $(DB) init
	$(BIN)/fieldkit --db $(DB) demo --submissions $(DEMO_SUBMISSIONS) --seed 1 --if-empty
	$(BIN)/fieldkit --db $(DB) serve --host 127.0.0.1 --port 5000

test: install
	$(BIN)/python -m pytest

test-quick: install
	$(BIN)/python -m pytest -m "not browser and not slow"

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache
