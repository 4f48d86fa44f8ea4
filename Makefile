# INL Desktop: all set-up happens here; see README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint typecheck demo bench-demo bench-startup bench-encryption bench-crash bench-seizures bench-reports bench-importing bench-exchange bench-keystrokes bench-stability wheel-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

## run: start the app on its default database (per-user data folder)
run: $(STAMP)
	$(BIN)/inl-desktop

## test: lint, type-check and run the whole suite offscreen
test: $(TEST_STAMP) lint typecheck
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

## lint: ruff on everything
lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## typecheck: mypy --strict on the whole package
typecheck: $(TEST_STAMP)
	$(BIN)/mypy

## demo: a demonstration database at demo.sqlite (1,000 items, 50 trainings)
demo: $(STAMP)
	$(BIN)/inl-desktop demo --db demo.sqlite --seizures 1000 --trainings 50

## bench-demo: time and peak memory of a 1,000,000-item demo and of 'info'
bench-demo: $(STAMP)
	$(BIN)/python bench/demo.py

## bench-startup: the real start-up at 1,000,000 items (later and first of the day) and 'info', against bare baselines
bench-startup: $(STAMP)
	$(BIN)/python bench/startup.py

## bench-encryption: the seizure list, a search and a save at 1,000,000 items, encrypted against plain; sign-in time
bench-encryption: $(STAMP)
	$(BIN)/python bench/encryption.py

## bench-crash: SIGKILL at random moments of every write path, on an encrypted database
bench-crash: $(STAMP)
	$(BIN)/python bench/crash.py --encrypted --runs 200

## bench-seizures: the seizure list and form at 1,000,000 items, offscreen
bench-seizures: $(STAMP)
	$(BIN)/python bench/seizures.py

## bench-exchange: export (100,000 and 1,000,000 items) and consolidation (20 workbooks)
bench-exchange: $(STAMP)
	$(BIN)/python bench/exchange.py

## bench-importing: importing 10,000 messy rows (CSV and xlsx) against a bare read
bench-importing: $(STAMP)
	$(BIN)/python bench/importing.py

## bench-reports: the report and the dashboard at 1,000,000 items and ~600,000 enrollments
bench-reports: $(STAMP)
	$(BIN)/python bench/reports.py

## bench-keystrokes: keys beyond the typed text for a two-item seizure (target at most 10)
bench-keystrokes: $(STAMP)
	$(BIN)/python bench/keystrokes.py

## bench-stability: the clerk's afternoon (30 seizures, 10 sessions by keyboard) 20 times
bench-stability: $(TEST_STAMP)
	$(BIN)/python bench/stability.py --runs 20

## wheel-check: build the wheel, install it in a fresh venv, run 'inl-desktop info'
wheel-check: $(BIN)/python
	$(BIN)/python bench/wheel_check.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
