# kpilib: `make demo` starts a demo organisation, `make test` runs lint and the test suite.
# Both need only python3 (3.12 or later somewhere on the machine) and pip.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
export KPILIB_DATA_DIR ?= $(CURDIR)/var
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6 needs Python 3.12+: take the first interpreter that is new enough,
# including pyenv's installed versions when the default python3 is older.
PYTHON ?= $(shell for p in python3.12 python3.13 python3.14 python3 \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -V); do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	  then command -v $$p; break; fi; done)

.PHONY: demo test test-shifted lint venv messages lock screenshots clean fuzz

$(VENV)/.installed: pyproject.toml requirements.lock
	@if [ -z "$(PYTHON)" ]; then echo "kpilib needs Python 3.12 or later (Django 6); none was found. Install python3.12 and retry." >&2; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

venv: $(VENV)/.installed

lint: venv
	$(BIN)/ruff check src tests benchmarks

# One pytest worker per core (pytest-xdist); PYTEST_WORKERS=0 runs in this process.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --durations=10
# How far test-shifted moves the clock: well away from today, across a quarter's end.
SHIFT ?= +200d
# The shifted run leaves out the browser tests: Chromium keeps the real clock, and the
# pages' server side runs shifted in the page tests; this keeps CI's three runs near 17 min.
SHIFTED_ARGS ?= --ignore=tests/browser

test: venv lint
	@echo "== The suite on SQLite"
	$(PYTEST)
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "== PostgreSQL answers at $(PG_TEST_URL): running the suite again on it"; \
	  DATABASE_URL=$(PG_TEST_URL) $(PYTEST); \
	else echo "== PostgreSQL not reachable at $(PG_TEST_URL): skipped the PostgreSQL run"; fi

# The SQLite suite again with the machine's clock moved $(SHIFT) by libfaketime (Debian's
# faketime): a test or a code path that reads the real date instead of a pinned or passed
# one fails here, in CI, not on a user's machine on the wrong day (issue 10).
test-shifted: venv
	@command -v faketime >/dev/null 2>&1 || { echo "test-shifted needs faketime (apt-get install faketime)" >&2; exit 1; }
	@echo "== The suite on SQLite again, the clock shifted $(SHIFT): today is $$(faketime -f '$(SHIFT)' date -u +%F) (really $$(date -u +%F))"
	FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "$(SHIFT)" $(PYTEST) $(SHIFTED_ARGS)

demo: export DEBUG ?= true
# Unbuffered: the address and logins show at once even when the output goes to a file.
demo: export PYTHONUNBUFFERED ?= 1
demo: venv
	$(BIN)/kpilib manage demo_setup
	@trap 'kill 0' EXIT INT TERM; \
	$(BIN)/kpilib manage db_worker --queue-name '*' >"$(KPILIB_DATA_DIR)/worker.log" 2>&1 & \
	$(BIN)/kpilib manage demo_serve --addrport $(HOST):$(PORT)

# Long fuzzing run: hypothesis over the file readers and the formula grammar, schemathesis
# over the API, 10,000 examples per test with random seeds (the suite runs 60, derandomised).
fuzz: venv
	KPILIB_FUZZ_EXAMPLES=$${KPILIB_FUZZ_EXAMPLES:-10000} $(BIN)/python -m pytest tests/fuzz

# Refresh the user guide's screenshots (docs/images/) by running the browser tests.
screenshots: venv
	KPILIB_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser

# Recompile the translation catalogues after editing a .po file (needs GNU gettext).
messages: venv
	cd src/kpilib && ../../$(BIN)/django-admin makemessages -l zh_Hans -l en --settings=kpilib.config.settings.base --ignore='*/tests/*'
	cd src/kpilib && ../../$(BIN)/django-admin compilemessages --settings=kpilib.config.settings.base

lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra server --python-version 3.12 --universal -o requirements.lock

clean:
	rm -rf $(VENV) var
