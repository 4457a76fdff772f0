# Two entry points: `make run` (set up, demo records, serve) and `make test` (lint, types, tests).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
WEB := web_client
WEB_DEPS := $(WEB)/node_modules/.installed
WEB_BUILT := $(WEB)/dist/.built
WEB_SOURCES := $(shell find $(WEB)/src -type f) $(wildcard $(WEB)/*.html) \
	$(WEB)/vite.config.ts $(WEB)/tsconfig.json $(WEB)/package.json
# What web_client/src/generated/ is written from (hearing_server/client_types.py)
GENERATOR_INPUTS := $(wildcard court/*.py hearing_server/api/*.py) hearing_server/client_types.py

.PHONY: run test setup web prerequisites

setup: $(STAMP) $(WEB_BUILT)

# setup.py compiles the forwarder's C parts (signaling/media/*.c) in place
$(STAMP): pyproject.toml setup.py $(wildcard signaling/media/*.c signaling/media/*.h)
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The browser client: TypeScript bundled by Vite into web_client/dist, which the server serves.
web: $(WEB_BUILT)

$(WEB_DEPS): $(WEB)/package-lock.json
	npm --prefix $(WEB) ci --no-audit --no-fund --loglevel=error
	touch $(WEB_DEPS)

# A stale generated file stops the build, named, until `python -m hearing_server.client_types`
# is run (tests/unit/test_client_types.py fails on it too).
$(WEB_BUILT): $(STAMP) $(WEB_DEPS) $(WEB_SOURCES) $(GENERATOR_INPUTS)
	$(PY) -m hearing_server.client_types --check
	npm --prefix $(WEB) run build
	touch $(WEB_BUILT)

run: setup
	$(VENV)/bin/hearing-server demo
	$(VENV)/bin/hearing-server serve

# Debian packages and services the tests need (installed or started only when missing)
prerequisites:
	bash scripts/test-prerequisites.sh

test: prerequisites setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(PY) -m pytest -n 2 --dist loadgroup
