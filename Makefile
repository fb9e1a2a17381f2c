# NTM Portal. Two commands on a fresh Debian machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
VIETNAM_PROVINCES_2024 := 0.6.0

.PHONY: install run test check lint format messages vendor-divisions benchmark backup restore clean

install: $(VENV)/.installed

# Reinstall only when the pinned dependencies change.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $@

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) load_divisions --edition 2024
	$(MANAGE) load_divisions --edition 2025
	$(MANAGE) load_criteria
	$(MANAGE) load_demo
	@echo
	@echo "Cổng NTM: http://127.0.0.1:8000 (web, Celery worker và beat; Ctrl-C để dừng tất cả)"
	@echo
	$(BIN)/honcho --procfile ntm_portal/Procfile.local --app-root . start

# Starts throwaway PostgreSQL and Redis (installing them, Chromium and fonts when missing),
# or uses DATABASE_URL / REDIS_URL when set, then runs every check and the whole suite.
test: install
	.ci/with-services $(MAKE) --no-print-directory check

check:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the English translation catalogue; the Vietnamese text is the source.
messages: install
	$(MANAGE) makemessages --locale en --ignore '.venv/*' --ignore 'var/*'
	$(MANAGE) compilemessages --locale en --ignore '.venv/*'

# The installed vietnam-provinces holds the 2025 edition; the 2024 (three-tier) edition is
# vendored from the last package version that has it.
vendor-divisions:
	rm -rf var/vietnam-provinces-$(VIETNAM_PROVINCES_2024)
	$(PYTHON) -m venv var/vietnam-provinces-$(VIETNAM_PROVINCES_2024)
	var/vietnam-provinces-$(VIETNAM_PROVINCES_2024)/bin/pip install --quiet vietnam-provinces==$(VIETNAM_PROVINCES_2024)
	var/vietnam-provinces-$(VIETNAM_PROVINCES_2024)/bin/python communes/divisions.py > fixtures/divisions/edition-2024.json
	rm -rf var/vietnam-provinces-$(VIETNAM_PROVINCES_2024)

benchmark: install
	$(MANAGE) migrate --noinput
	$(MANAGE) benchmark --scale national

# The database (pg_dump, or the embedded SQLite file) and media/ into one folder with a manifest;
# `make restore BACKUP=folder` puts both back and checks the row counts against the manifest.
# Both use the settings of the environment (DATABASE_URL, VAR_DIR).
BACKUP_DIR ?= var/backups
backup:
	$(MANAGE) backup --to $(BACKUP_DIR)

restore:
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/ntm-..."; exit 2; }
	$(MANAGE) restore --noinput $(BACKUP)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
