# Two commands for a fresh clone: `make demo` and `make test`.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then echo $$p; break; fi; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install migrate demo serve worker test test-fast lint bench clean

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

## The whole suite, slow engine and browser tests included.
test: install
	$(PY) -m pytest -n 2 --dist loadgroup

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

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
