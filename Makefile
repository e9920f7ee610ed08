# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
SCALE  ?= 600
DEMO_ENV := DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3

.PHONY: install test demo demo-data messages bench clean

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

test: install
	$(PY) -m pytest

demo-data: install
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEMO_ENV) $(PY) manage.py createcachetable
	$(DEMO_ENV) $(PY) manage.py load_demo --scale $(SCALE) --reset

demo: demo-data
	@echo "Serving on http://127.0.0.1:$(PORT)/ (log in at /accounts/login/)"
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Rebuild the zh-hans translations after changing user-facing strings.
messages: install
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=bench
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

bench: install
	$(PY) bench/import_officers.py

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache
