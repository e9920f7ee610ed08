# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# Debian's /usr/bin/python3.11 is built with profile-guided and link-time
# optimisation and runs the suite about a tenth faster than a python3.11
# compiled without them (pyenv's default) that may come first on PATH; it
# is used when it can make a virtualenv.
PYTHON ?= $(shell /usr/bin/python3.11 -c 'import ensurepip, venv' 2>/dev/null && echo /usr/bin/python3.11 || echo python3.11)
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
SCALE  ?= 600
DEMO_ENV := DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3

.PHONY: install test test-browser demo demo-data serve bench-load messages bench bench-import bench-import-memory bench-export bench-pdf bench-indicators bench-zip clean

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# In parallel on every core (pytest-xdist, one test database per worker:
# test_<name>_gw0, _gw1 ...); TEST_WORKERS=0 runs in one process. Byte-code
# writing is on for the run even where the environment turns it off: pytest
# keeps its assertion-rewritten test modules only then, and rewriting them
# again costs each worker about eight seconds.
TEST_WORKERS ?= auto
# The browser journeys (tests/browser: headless chromium) are their own
# target; `make test` runs everything else.
test: install
	@start=$$(date +%s); PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(TEST_WORKERS) -m "not browser"; status=$$?; db=$${DATABASE_URL%%:*}; \
	echo "make test: $$(( $$(date +%s) - start )) s wall time on $${db:-sqlite}, $(TEST_WORKERS) workers"; \
	exit $$status

test-browser: install
	$(PY) -m pytest -n 0 -m browser tests/browser

# The lint and format rules of ruff.toml; CI runs this before the tests.
.PHONY: lint
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

demo-data: install
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEMO_ENV) $(PY) manage.py createcachetable
	$(DEMO_ENV) $(PY) manage.py load_demo --scale $(SCALE) --reset

# The web server with one background worker beside it (the database task
# backend: no other server); the day's schedules (risk scan, reminders) run
# once first. Ctrl-C stops both. E-mail goes to the console.
demo: demo-data
	$(DEMO_ENV) $(PY) manage.py run_schedules
	@echo "Serving on http://127.0.0.1:$(PORT)/ (log in at /accounts/login/), one job worker beside it"
	$(DEMO_ENV) $(PY) manage.py db_worker --no-reload --queue-name default & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production server (gunicorn, config/gunicorn.py: 2 x cores + 1 workers,
# WEB_CONCURRENCY overrides) on the database as it is: migrates, never resets
# or loads data. SERVE_ENV defaults to the demo database; point DATABASE_URL
# elsewhere for another, e.g. `make serve SERVE_ENV="DEBUG=1 DATABASE_URL=postgres://..."`.
SERVE_ENV ?= $(DEMO_ENV)
serve: install
	$(SERVE_ENV) $(PY) manage.py migrate --noinput -v0
	$(SERVE_ENV) $(PY) manage.py createcachetable
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v0
	@echo "Serving on http://127.0.0.1:$(PORT)/ with gunicorn (log in at /accounts/login/)"
	$(SERVE_ENV) BIND=127.0.0.1:$(PORT) $(VENV)/bin/gunicorn -c config/gunicorn.py config.wsgi

# N concurrent logged-in sessions against a running server (make serve), with a
# single-session baseline first: `make bench-load BENCH_ARGS="--sessions 20 --seconds 60"`.
bench-load: install
	$(PY) bench/load.py $(BENCH_ARGS)

# Rebuild the zh-hans translations after changing user-facing strings.
messages: install
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=bench
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

bench: install
	$(PY) bench/import_officers.py

# 100,000 officers through the import vs a bulk_create floor, in a throwaway
# SQLite file; `make bench-import BENCH_ARGS=--postgres=postgres://postgres@127.0.0.1:5432/`
# runs it in a fresh PostgreSQL database instead.
bench-import: install
	$(PY) bench/import_officers.py $(BENCH_ARGS)

# Peak memory of importing 1,000,000 training records (.csv and .xlsx), each
# in a fresh process, against a process that only reads the rows, in a
# throwaway SQLite file. Target: < 600 MB. Takes a while (minutes); e.g.
# `make bench-import-memory BENCH_ARGS="--xlsx-rows 100000"` for a shorter run.
bench-import-memory: install
	$(PY) bench/import_memory.py $(BENCH_ARGS)

# Export time and peak memory of N training records (default 200,000) against
# an openpyxl write-only floor, each in a fresh process, in a throwaway SQLite
# file (BENCH_ARGS="--postgres=postgres://postgres@127.0.0.1:5432/" for a fresh
# PostgreSQL database). Targets: <= 1.5x the floor's time, <= 200 MB.
bench-export: install
	$(PY) bench/export_stream.py $(BENCH_ARGS)

# Time one appraisal dossier (target <= 0.3 s) and a 200-dossier batch.
bench-pdf: install
	$(PY) bench/pdf.py

# The national dossier zip as a job with one worker and with two: speed-up
# and the workers' peak memory (docs/jobs.md), e.g.
# BENCH_ARGS="--leaders 100000 --postgres postgres://postgres@127.0.0.1:5432/".
bench-zip: install
	$(PY) bench/dossier_zip.py $(BENCH_ARGS)

# The indicators at national scope on 100,000 officers and ~10 million
# training records (PostgreSQL; the first run loads the data, minutes)
# against hand-written SQL. Targets: <= 2 s and <= 3x the floor.
BENCH_DB ?= postgres://postgres@127.0.0.1:5432/bench
bench-indicators: install
	DATABASE_URL=$(BENCH_DB) $(PY) bench/indicators.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .test-db
