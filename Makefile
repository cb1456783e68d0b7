# Entry points: `make test` (what CI runs) and `make demo`. Both work as root on
# a fresh Debian 12 machine: they install what they need, then run.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DEBIAN_FRONTEND := noninteractive
PG_DEFAULT_URL := postgresql+psycopg://postgres@127.0.0.1:5432/test
# pytest workers for `make test`: one per core (tests/conftest.py says what runs together).
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 1)

.PHONY: venv stack stack-stop browser lint test demo bench model gazetteer

venv: $(STAMP)

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml
	@if ! $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null; then \
	  apt-get update && apt-get install -y --no-install-recommends python3-venv; fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Installs Postfix, Dovecot and the OCR packages if missing, then starts the stack.
stack:
	scripts/mailstack install
	scripts/mailstack start

stack-stop:
	scripts/mailstack stop

# Debian's Chromium and its driver, for the staff console's browser tests.
browser:
	@command -v chromedriver >/dev/null && command -v chromium >/dev/null || { \
	  apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver \
	    fonts-dejavu-core; }

lint: venv
	$(BIN)/ruff check bot tests bench
	$(BIN)/mypy --strict bot
	$(BIN)/lint-imports

# pytest exits 5 when it collected nothing: that is a failure here, not a pass.
test: venv stack browser lint
	@if [ -z "$${INVITEBOT_TEST_POSTGRES_URL:-}" ] && command -v pg_isready >/dev/null \
	    && pg_isready -q -h 127.0.0.1 -p 5432; then \
	  export INVITEBOT_TEST_POSTGRES_URL='$(PG_DEFAULT_URL)'; fi; \
	echo "INVITEBOT_TEST_POSTGRES_URL=$${INVITEBOT_TEST_POSTGRES_URL:-(unset: postgres tests skip)}"; \
	rc=0; $(BIN)/pytest -q -n $(TEST_WORKERS) --cov=bot --cov-report=term || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$rc

demo: venv stack
	$(BIN)/invitebot demo

# The name tagger's model (bot/extract/models/names.crfsuite), trained on the
# tuning part of tests/corpus/replies; deterministic, committed, never fetched.
model: venv
	$(BIN)/python -m bot.extract.train

# The tagger's given-name/surname gazetteer (bot/extract/models/gazetteer.txt.gz),
# from Faker's name lists (MIT); Faker is needed only here, not where invitebot runs.
gazetteer: venv
	$(BIN)/pip install --quiet faker==40.40.0
	$(BIN)/python scripts/gen-name-gazetteer

bench: venv stack
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python "$$script"; done
