# Two commands: `make run` (the app with demo content) and `make test` (every test).
# `make test-quick` leaves out the browser and slow tests, for running often while working.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
DB ?= instance/fieldkit.db
DEMO_SUBMISSIONS ?= 200
PORT ?= 5000

.PHONY: install run test test-quick bench clean messages

$(BIN)/fieldkit: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/fieldkit

run: install
	$(BIN)/fieldkit --db $(DB) init
	$(BIN)/fieldkit --db $(DB) demo --submissions $(DEMO_SUBMISSIONS) --seed 1 --if-empty
	$(BIN)/fieldkit --db $(DB) serve --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/python -m pytest

test-quick: install
	$(BIN)/python -m pytest -m "not browser and not slow"

# Texts for people: extract them into each package's .pot and merge that into its sv and en .po files
# (docs/translating.md). The .po files are compiled when the app reads them; there is no compile step.
# A template whose only change would be its date is left alone, so the catalogues do not churn.
CATALOGUES = forms exports fieldkit
messages: install
	for pkg in $(CATALOGUES); do \
	  $(BIN)/pybabel extract -F babel.cfg --add-location=file --sort-by-file --no-wrap \
	    --project=fieldkit --version=0.1.0 --copyright-holder=fieldkit \
	    --header-comment="# The texts of fieldkit's $$pkg package, extracted by \`make messages\`." \
	    -o $$pkg/locale/$$pkg.pot.new $$pkg && \
	  if diff -q -I '^"POT-Creation-Date' $$pkg/locale/$$pkg.pot $$pkg/locale/$$pkg.pot.new >/dev/null 2>&1; \
	  then rm $$pkg/locale/$$pkg.pot.new; else mv $$pkg/locale/$$pkg.pot.new $$pkg/locale/$$pkg.pot; fi && \
	  $(BIN)/pybabel update -i $$pkg/locale/$$pkg.pot -d $$pkg/locale -D $$pkg --ignore-obsolete --no-wrap \
	  || exit 1; \
	done

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache
