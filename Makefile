# VIK — the two commands that matter: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
PG_URL ?= postgres://postgres@127.0.0.1:5432/vik
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint bench install install-dev system-deps node-deps messages clean

$(BIN)/.installed: pyproject.toml $(CONSTRAINTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c $(CONSTRAINTS) -e .
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed
	$(BIN)/pip install -q -c $(CONSTRAINTS) -e '.[dev]'
	touch $@

install: $(BIN)/.installed
install-dev: $(BIN)/.installed-dev

## make demo: install, migrate the embedded SQLite database, load Kraj Vysočina, serve on :8000
demo: install
	DJANGO_SETTINGS_MODULE=config.settings.dev $(BIN)/vik demo

## make test: the whole suite, on SQLite and again on PostgreSQL
test: install-dev system-deps node-deps
	$(BIN)/python scripts/check_postgres.py "$(PG_URL)"
	VIK_DATABASE_URL= $(BIN)/pytest -n 2 -p no:cacheprovider --create-db
	VIK_DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -p no:cacheprovider --create-db

## make lint: ruff, formatting, the import contract, mypy (strict on vik and config), template
## lint, missing migrations
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/python scripts/check_local_imports.py vik
	$(BIN)/mypy vik config tests bench
	$(BIN)/djlint --lint vik/templates vik/*/templates vik/channels/*/templates
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/vik makemigrations --check --dry-run

## make bench: every benchmark (real HTTP/ASGI servers, workers, PostgreSQL, Redis db 15 for the
## chat's channel layer); fails if a bar fails
bench: install-dev system-deps
	status=0; \
	$(BIN)/python bench/intake.py --database-url "$(PG_URL)_bench" || status=$$?; \
	$(BIN)/python bench/email_ingest.py --database-url "$(PG_URL)_bench_email" || status=$$?; \
	$(BIN)/python bench/knowledge_search.py --database-url "$(PG_URL)_bench_knowledge" || status=$$?; \
	$(BIN)/python bench/routing.py --database-url "$(PG_URL)_bench_routing" || status=$$?; \
	$(BIN)/python bench/chat.py --database-url "$(PG_URL)_bench_chat" || status=$$?; \
	exit $$status

## system packages the tests need (Chromium for browser tests), installed when missing
system-deps:
	scripts/system-deps.sh

## npm packages of the test peers in tools/node (the OpenID Connect provider), `npm ci` when stale
node-deps:
	scripts/node-deps.sh

## compile the Czech and English message catalogues
messages: install-dev
	cd vik && ../$(BIN)/vik makemessages -l cs -l en --ignore 'static/*' && ../$(BIN)/vik compilemessages

clean:
	rm -rf $(VENV) var/test-media .pytest_cache
