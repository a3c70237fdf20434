# My Voice. The two commands of the README:
#   make run    set up, migrate, load the demo, and serve on http://127.0.0.1:$(PORT)
#   make test   set up and run every test, browser tests included
# Each sets itself up on a fresh machine: virtual environment, pinned Python and npm
# packages, built assets, and (for tests) Debian's Chromium.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
DEV_ENV := VOICE_ENV=$${VOICE_ENV:-development}

.PHONY: run test lint bench assets setup setup-dev chromium translations translations-check lock clean

# Links printed by the demo and sent by the server point at the port served, unless
# PUBLIC_BASE_URL is already set (to a proxy's address, say).
LINKS_ENV := PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)}

run: setup assets
	$(DEV_ENV) $(FLASK) db upgrade
	$(DEV_ENV) $(LINKS_ENV) $(FLASK) voice demo
	$(DEV_ENV) $(LINKS_ENV) $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: lint assets chromium
	$(BIN)/python scripts/check_translations.py
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Drives gunicorn on a free port of 127.0.0.1 with 200 paced children and the IRO pages, and
# prints latency, server CPU and HTML size. BENCH_ARGS=--profile shows where the CPU goes.
bench: setup-dev assets
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# Style, formatting, types and the import contracts (pyproject.toml); `make test` runs it first.
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

setup: $(VENV)/.runtime-installed
setup-dev: $(VENV)/.dev-installed

$(VENV)/.runtime-installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.runtime-installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: static/build/voice.css

static/build/voice.css: node_modules/.installed scripts/build-assets.mjs $(wildcard static/src/*)
	node scripts/build-assets.mjs

# Browser tests drive Debian's Chromium; Playwright's own browser download is not used.
chromium:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

translations: setup-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --omit-header .

# Fails when a wrapped string is missing from translations/messages.pot.
translations-check: setup-dev
	$(BIN)/python scripts/check_translations.py

# Re-pin every package after changing requirements.in or requirements-dev.in.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -r requirements.in
	.lock-venv/bin/pip freeze --exclude-editable > requirements.txt
	.lock-venv/bin/pip install --quiet -r requirements-dev.in
	{ echo "-r requirements.txt"; .lock-venv/bin/pip freeze --exclude-editable | grep -vxFf requirements.txt; } > requirements-dev.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules static/build
