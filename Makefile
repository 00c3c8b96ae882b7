# The README's commands. `make demo` starts the app with demo data; `make test` runs everything.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
STREAMLIT := $(PY) -m streamlit run app.py --server.port $(PORT)

.PHONY: demo serve test lint bench load clean

$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

## Start the app on the embedded SQLite demo database, filled with a demo practice.
demo: $(VENV)/.runtime
	AFRONDING_DEMO=1 $(PY) -m core.cli prepare --fresh-demo
	AFRONDING_DEMO=1 $(STREAMLIT)

## Start the app for real use: your own accounts, a cookie key in .streamlit/secrets.toml.
serve: $(VENV)/.runtime
	$(PY) -m core.cli prepare
	$(STREAMLIT)

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

## The whole suite: lint, types, core, pages and browser tests.
test: lint
	$(PY) -m pytest

## Seed 5 and 50 coaches x 400 clients; time services, pages and the clock; JSON in bench/results/.
bench: $(VENV)/.dev
	$(PY) -m bench.run

## A bounded load run: 8 worker processes, one per coach; add ARGS=--writes for writes too.
load: $(VENV)/.runtime
	$(PY) -m bench.load $(ARGS)

clean:
	rm -rf $(VENV) data/demo.db* test-artifacts
