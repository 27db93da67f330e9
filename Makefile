# GridWatch: two commands do everything on a fresh machine.
#   make demo   set up (venv, dependencies, database, demo county) and serve on 127.0.0.1:$(PORT)
#   make test   install what the tests need and run the whole suite
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_ENV := GRIDWATCH_ENV=demo

.PHONY: demo test lint check-migrations unit e2e postgres bench messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

locale/zh_Hans/LC_MESSAGES/django.mo: locale/zh_Hans/LC_MESSAGES/django.po $(VENV)/.installed
	$(PY) manage.py compile_translations

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'bench/*' --ignore 'e2e/*'

demo: $(VENV)/.installed locale/zh_Hans/LC_MESSAGES/django.mo
	@mkdir -p var
	-@bash scripts/ensure_pdf_font.sh
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v0
	$(DEMO_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(DEMO_ENV) $(PY) manage.py seed_demo
	@echo "GridWatch demo: http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

# The whole suite: lint, migrations check, unit and browser tests on SQLite, and again on PostgreSQL when
# GRIDWATCH_TEST_POSTGRES (a postgres:// URL of a server where a test database may be created) is set.
test: $(VENV)/.installed locale/zh_Hans/LC_MESSAGES/django.mo lint check-migrations
	bash scripts/ensure_chromium.sh
	bash scripts/ensure_pdf_font.sh
	$(PY) -m pytest -q -n 2 --dist loadscope gridwatch
	$(PY) -m pytest -q e2e
	@if [ -n "$$GRIDWATCH_TEST_POSTGRES" ]; then \
		echo "== the suite again on PostgreSQL =="; \
		DATABASE_URL="$$GRIDWATCH_TEST_POSTGRES" $(PY) -m pytest -q -n 2 --dist loadscope gridwatch; \
	fi

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check gridwatch bench e2e
	$(VENV)/bin/ruff format --check gridwatch bench e2e

check-migrations: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run

# The benchmarks of docs/performance.md (SQLite; each script takes --postgres URL for PostgreSQL).
bench: $(VENV)/.installed
	$(PY) bench/bench_cadres.py
	$(PY) bench/bench_cases.py
	$(PY) bench/bench_monthly.py
	$(PY) bench/bench_evaluations.py
	$(PY) bench/bench_portal.py

clean:
	rm -rf var $(VENV)
