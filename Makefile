# Oversight: `make run` sets everything up and serves the demo; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
HTMX := web/static/vendor/htmx.min.js
# axe-core for the browser tests only: kept beside them, never among the served files.
AXE := tests/e2e/vendor/axe.min.js
# The US state and county outlines the maps are drawn from (us-atlas, already projected):
# read by the backend, so kept beside it.
ATLAS := api/atlas/shapes/counties-albers-10m.json

# The catalogs live beside the backend (api/i18n/locale): alerts are written there as well as
# pages, and api/ never reaches into web/. Entries carry no file and line, so two changes to
# one template do not both touch the catalog. English is the source language.
LOCALE_DIR := api/i18n/locale
TRANSLATED := es
CATALOG_POS := $(wildcard $(LOCALE_DIR)/*/LC_MESSAGES/messages.po)
CATALOG_MOS := $(CATALOG_POS:.po=.mo)

.PHONY: run test lint messages catalogs typecheck bench bench-alerts bench-limits bench-planning bench-sharing-import worker assets chromium install install-dev migrate demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error

$(HTMX): web/node_modules/.package-lock.json
	mkdir -p web/static/vendor
	cp web/node_modules/htmx.org/dist/htmx.min.js $@

$(AXE): web/node_modules/.package-lock.json
	mkdir -p tests/e2e/vendor
	cp web/node_modules/axe-core/axe.min.js $@

$(ATLAS): web/node_modules/.package-lock.json
	mkdir -p api/atlas/shapes
	cp web/node_modules/us-atlas/counties-albers-10m.json $@

assets: $(HTMX) $(AXE) $(ATLAS)

# The translatable text of the code and templates into the template catalog, then into each
# language's catalog (new entries empty, changed ones marked fuzzy for a translator to check).
messages: install
	$(BIN)/pybabel extract --mapping-file babel.cfg --keywords N_ --keywords _ \
		--add-comments "Translators:" --sort-output --no-location --no-wrap \
		--project Oversight --msgid-bugs-address "" --copyright-holder "" \
		--output-file $(LOCALE_DIR)/messages.pot .
	for language in $(TRANSLATED); do \
		$(BIN)/pybabel update --input-file $(LOCALE_DIR)/messages.pot --output-dir $(LOCALE_DIR) \
			--domain messages --locale $$language --init-missing --no-wrap --ignore-obsolete \
			|| exit 1; \
	done

# The compiled catalogs the app reads (build output, not committed).
$(LOCALE_DIR)/%/LC_MESSAGES/messages.mo: $(LOCALE_DIR)/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics --locale $* --input-file $< --output-file $@

catalogs: $(CATALOG_MOS)

migrate: install
	$(BIN)/oversight migrate

demo: migrate
	$(BIN)/oversight demo --if-empty

run: install assets catalogs demo
	$(BIN)/oversight serve --host $(HOST) --port $(PORT)

# The browser tests drive Debian's Chromium (OVERSIGHT_CHROMIUM, /usr/bin/chromium by default):
# installed here as root with apt-get, otherwise the run stops first saying what to install.
# A run that leaves the browser tests out does not need it.
chromium:
	$(if $(findstring not e2e,$(PYTEST_ARGS)),@true,@sh tests/e2e/need_chromium.sh)

test: install-dev assets catalogs chromium
	$(BIN)/ruff check api web tests migrations
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# 10,000 due alerts to a webhook receiver on 127.0.0.1: time, duplicates, losses.
# BENCH_ARGS="--database-url postgresql+psycopg://... --workers 2" to try PostgreSQL.
bench-alerts: install-dev
	$(BIN)/python -m tests.bench.bench_alerts $(BENCH_ARGS)

# Alert planning on the large demo with 320 users: re-planning one change, a full plan's CPU
# and memory, page p99 during a full plan. A database of its own: the run adds users and rules.
# make bench-planning PLAN_BENCH_DATABASE_URL=postgresql+psycopg://... to try PostgreSQL.
PLAN_BENCH_DATABASE_URL ?= sqlite:///var/bench-planning.db

bench-planning: install-dev
	OVERSIGHT_DATABASE_URL=$(PLAN_BENCH_DATABASE_URL) $(BIN)/oversight migrate
	OVERSIGHT_DATABASE_URL=$(PLAN_BENCH_DATABASE_URL) $(BIN)/oversight demo --scale large --if-empty
	$(BIN)/python -m tests.bench.bench_planning --database-url $(PLAN_BENCH_DATABASE_URL) $(BENCH_ARGS)

# A 5,000-row Vigilant sharing report committed on the large demo, in bulk and one record at a
# time: the commit's time and how long another writer waited meanwhile. Each run adds its rows.
# make bench-sharing-import SHARING_BENCH_DATABASE_URL=postgresql+psycopg://... for PostgreSQL.
SHARING_BENCH_DATABASE_URL ?= sqlite:///var/bench-sharing.db

bench-sharing-import: install-dev
	OVERSIGHT_DATABASE_URL=$(SHARING_BENCH_DATABASE_URL) $(BIN)/oversight migrate
	OVERSIGHT_DATABASE_URL=$(SHARING_BENCH_DATABASE_URL) $(BIN)/oversight demo --scale large --if-empty
	$(BIN)/python -m tests.bench.bench_sharing_import --database-url $(SHARING_BENCH_DATABASE_URL) $(BENCH_ARGS)

# The server's peak memory while it refuses a 300 MB body and a zip bomb.
bench-limits: install-dev
	$(BIN)/python -m tests.bench.bench_limits $(BENCH_ARGS)

# The alert scheduler as a process of its own, for deployments with several web workers.
worker: install migrate
	$(BIN)/oversight worker

# The benchmark serves the large demo (made once, into an empty database) and measures each
# page made afresh (BENCH_ARGS="--page-cache on" to reuse pages as the app does).
# make bench BENCH_DATABASE_URL=postgresql+psycopg://... BENCH_ARGS="--duration 5"
BENCH_DATABASE_URL ?= sqlite:///var/bench-large.db

bench: install-dev
	OVERSIGHT_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/oversight migrate
	OVERSIGHT_DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/oversight demo --scale large --if-empty
	$(BIN)/python tests/bench/http_bench.py --database-url $(BENCH_DATABASE_URL) $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check api web tests migrations

# mypy over api/ and web/, as configured in pyproject.toml ([tool.mypy]).
typecheck: install-dev
	$(BIN)/mypy

clean:
	rm -rf $(VENV) web/node_modules web/static/vendor tests/e2e/vendor api/atlas/shapes $(CATALOG_MOS)
