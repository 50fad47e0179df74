# skillcert: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.13 >/dev/null 2>&1 && echo python3.13 || echo python3)
VENV ?= .venv
BIN = $(VENV)/bin
PORT ?= 8000
export PYENV_VERSION ?= 3.13.0

.PHONY: install run dev test test-sqlite test-postgres test-e2e lint format bench migrate demo-refresh messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.lock $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

# Browser libraries (the exam-day page's JOSE library and QR decoder), served from node_modules.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The certificate's serif face, converted to TrueType outlines once per font version (skillcert/pdf/serif.py).
install: $(VENV)/.installed node_modules/.installed
	$(BIN)/python -m skillcert.pdf.serif

migrate: install
	$(BIN)/python manage.py migrate --no-input -v0

run: migrate
	$(BIN)/python manage.py collectstatic --no-input -v0
	$(BIN)/python manage.py load_demo
	PORT=$(PORT) BIN=$(BIN) ./scripts/serve.sh

dev: migrate
	$(BIN)/python manage.py load_demo
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

demo-refresh: install
	$(BIN)/python manage.py move_campaign_windows demo --registration-opens $$(date -d '-7 days' +%F)
	$(BIN)/python manage.py move_campaign_windows demo-exam --exam-date $$(date +%F)

# The whole suite on SQLite, then on a throwaway PostgreSQL server, one xdist worker per
# core: each worker has its own test database (pytest-django's _gw<n> suffix), media,
# paysim and SQLite folders (settings_test makes them per process) and live-server port.
XDIST ?= -n auto
test: test-sqlite test-postgres

test-sqlite: install
	$(BIN)/python -m pytest $(XDIST)

test-postgres: install
	$(BIN)/python scripts/with_postgres.py $(BIN)/python -m pytest $(XDIST)

test-e2e: install
	$(BIN)/python -m pytest tests/e2e -m e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks on SQLite, then the database-heavy ones on PostgreSQL; figures in bench/results/.
bench: install
	command -v wrk >/dev/null || apt-get install -y wrk
	$(BIN)/python -m pytest bench -p no:cacheprovider -s -q
	$(BIN)/python scripts/with_postgres.py $(BIN)/python -m pytest bench/test_bench_applications.py bench/test_bench_payments.py bench/test_bench_seating.py bench/test_bench_checkin.py bench/test_bench_score_import.py -p no:cacheprovider -s -q

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache node_modules
