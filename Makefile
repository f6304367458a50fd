# Two commands for a fresh clone: `make demo` and `make test`.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then echo $$p; break; fi; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install migrate demo serve serve-prod worker test test-sqlite test-postgres test-fast lint bench bench-load clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "facematch needs Python 3.11 or newer on PATH"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	# bench/engine.py's baseline; it names `dlib`, which dlib-bin provides.
	$(PY) -m pip install --quiet --no-deps face-recognition==1.3.0
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

## Set up, run a real face match on a composed demo video, serve the dashboard.
demo: migrate
	$(PY) manage.py demo --host $(HOST) --port $(PORT)

serve: migrate
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: migrate
	$(PY) manage.py db_worker

## Production serving (set FACEMATCH_ENV=production, FACEMATCH_SECRET_KEY, ...; see README).
serve-prod: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn facematch_ui.wsgi -w 2 -k gthread --threads 4 -b 0.0.0.0:$(PORT)

## The whole suite, slow engine and browser tests included: on SQLite, then
## again on PostgreSQL when FACEMATCH_TEST_POSTGRES_URL names a server.
test: test-sqlite test-postgres

test-sqlite: install
	$(PY) -m pytest -n 2 --dist loadgroup

test-postgres: install
	@if [ -n "$$FACEMATCH_TEST_POSTGRES_URL" ]; then \
		echo "PostgreSQL pass on $$FACEMATCH_TEST_POSTGRES_URL"; \
		FACEMATCH_TEST_DATABASE=postgres $(PY) -m pytest -n 2 --dist loadgroup; \
	elif [ -n "$$FACEMATCH_REQUIRE_ALL_TESTS" ] && [ "$$FACEMATCH_REQUIRE_ALL_TESTS" != 0 ]; then \
		echo "FACEMATCH_TEST_POSTGRES_URL is unset but FACEMATCH_REQUIRE_ALL_TESTS needs the PostgreSQL pass"; \
		exit 1; \
	else \
		echo "note: FACEMATCH_TEST_POSTGRES_URL is unset: the PostgreSQL pass is skipped"; \
	fi

test-fast: install
	$(PY) -m pytest -n 2 -m "not slow and not browser"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy facematch_ui

bench: install
	$(PY) bench/gallery.py
	$(PY) bench/sync.py
	$(PY) bench/engine.py

## gunicorn on PostgreSQL under wrk (needs a local PostgreSQL; installs wrk).
bench-load: install
	bash bench/load.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
