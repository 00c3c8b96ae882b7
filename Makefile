# The README's commands. `make demo` starts the app with demo data; `make test` runs everything.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
STREAMLIT := $(PY) -m streamlit run app.py --server.port $(PORT)

.PHONY: demo serve test lint bench load clean lock

# Both install the exact versions of the lock files (requirements/*.lock), then the app itself.
$(VENV)/.runtime: pyproject.toml requirements/runtime.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/runtime.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements/dev.lock
	$(PY) -m pip install --quiet -r requirements/dev.lock
	touch $@

# PostgreSQL's driver is an extra: installed only when DATABASE_URL points at PostgreSQL.
$(VENV)/.postgres: $(VENV)/.runtime requirements/postgres.lock
	$(PY) -m pip install --quiet -r requirements/postgres.lock
	touch $@
DRIVER := $(if $(findstring postgresql,$(DATABASE_URL)),$(VENV)/.postgres)

## After a change to the dependencies in pyproject.toml: pin them again (pip-tools).
lock: $(VENV)/.dev
	$(PY) -m pip install --quiet pip-tools
	$(PY) -m piptools compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file requirements/runtime.lock pyproject.toml
	$(PY) -m piptools compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--extra postgres --output-file requirements/postgres.lock pyproject.toml
	$(PY) -m piptools compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--all-extras --output-file requirements/dev.lock pyproject.toml

## Start the app on the embedded SQLite demo database, filled with a demo practice.
demo: $(VENV)/.runtime
	AFRONDING_DEMO=1 $(PY) -m core.cli prepare --fresh-demo
	AFRONDING_DEMO=1 $(STREAMLIT)

## Start the app for real use: your own accounts, a cookie key in .streamlit/secrets.toml.
serve: $(VENV)/.runtime $(DRIVER)
	$(PY) -m core.cli prepare
	$(STREAMLIT)

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

## The whole suite: lint, types, core, pages and browser tests; coverage of core/ and db/.
COVERAGE_FLOOR ?= 95
test: lint
	$(PY) -m pytest --numprocesses=auto --dist=loadfile --cov=core --cov=db --cov-report=term:skip-covered \
		--cov-fail-under=$(COVERAGE_FLOOR)

## Seed 5 and 50 coaches x 400 clients; time services, pages and the clock (JSON in
## bench/results/); then what the coach waits for in chromium, against an empty page.
bench: $(VENV)/.dev
	$(PY) -m bench.run
	$(PY) -m bench.browser

## A bounded load run: 8 worker processes, one per coach; add ARGS=--writes for writes too.
load: $(VENV)/.runtime
	$(PY) -m bench.load $(ARGS)

clean:
	rm -rf $(VENV) data/demo.db* test-artifacts
