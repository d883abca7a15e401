# The two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.DEFAULT_GOAL := help
.PHONY: help run test lint fmt migrate demo bench browser wrk xmlsec1 pgbouncer screenshots clean messages catalogues

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

browser: $(VENV)/.installed-test ## Make sure a browser exists: Debian's chromium, else Playwright's own
	@command -v chromium >/dev/null 2>&1 || $(BIN)/playwright install chromium

xmlsec1: ## Make sure xmlsec1 exists (SAML's signatures): Debian's package
	@command -v xmlsec1 >/dev/null 2>&1 || (apt-get install -y -qq xmlsec1 >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq xmlsec1))

# PgBouncer 1.21 or newer (prepared statements in transaction mode, `max_prepared_statements`):
# Debian's package when it is recent enough, else built from Debian's own source of 1.24.1
# (checked against the checksum Debian publishes) into the virtual environment.
PGBOUNCER_VERSION := 1.24.1
PGBOUNCER_SHA256 := da72a3aba13072876d055a3e58dd4aba4a5de4ed6148e73033185245598fd3e0
PGBOUNCER_SOURCE := https://deb.debian.org/debian/pool/main/p/pgbouncer/pgbouncer_$(PGBOUNCER_VERSION).orig.tar.gz

$(VENV)/pgbouncer/bin/pgbouncer: | $(BIN)/activate
	@command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libevent || \
		(apt-get install -y -qq libevent-dev pkg-config >/dev/null 2>&1 || \
		 (apt-get update -qq && apt-get install -y -qq libevent-dev pkg-config >/dev/null))
	rm -rf $(VENV)/pgbouncer-build && mkdir -p $(VENV)/pgbouncer-build
	curl -fsSL -o $(VENV)/pgbouncer-build/source.tar.gz $(PGBOUNCER_SOURCE)
	echo "$(PGBOUNCER_SHA256)  $(VENV)/pgbouncer-build/source.tar.gz" | sha256sum -c --quiet
	tar -xzf $(VENV)/pgbouncer-build/source.tar.gz -C $(VENV)/pgbouncer-build --strip-components=1
	cd $(VENV)/pgbouncer-build && ./configure --quiet --prefix=$(abspath $(VENV))/pgbouncer \
		--without-cares --without-openssl --without-systemd >/dev/null && \
		$(MAKE) --quiet -j2 >/dev/null 2>&1 && $(MAKE) --quiet install >/dev/null
	rm -rf $(VENV)/pgbouncer-build

pgbouncer: ## Make sure PgBouncer 1.21+ exists: Debian's package if recent, else built from Debian's source
	@$(BIN)/python -c "import sys; sys.path.insert(0, '.'); from tests.servers import pgbouncer; sys.exit(0 if pgbouncer() else 1)" 2>/dev/null \
		|| $(MAKE) --no-print-directory $(VENV)/pgbouncer/bin/pgbouncer

# Each language's catalogue (.po, in git) is compiled (.mo, not in git) when it changes.
TRANSLATIONS := learning/translations
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

catalogues: $(CATALOGUES) ## Compile the language catalogues (make run and make test do it)

messages: $(VENV)/.installed ## Find the texts to translate and add the new ones to each catalogue
	$(BIN)/pybabel extract --no-location --sort-output -w 100 -F $(TRANSLATIONS)/babel.cfg -k _l -k lazy_gettext -k said -k said_n:1,2 -k marked \
		-o $(TRANSLATIONS)/messages.pot learning cohorts challenges feedback templates
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -w 100 -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

run: $(VENV)/.installed xmlsec1 catalogues ## Install, migrate, load the demo if empty, run web + worker + cron
	$(BIN)/flask --app app dev

test: $(VENV)/.installed-test browser xmlsec1 pgbouncer catalogues ## Install with test extras and run the whole suite, browser tests included
	$(BIN)/pytest

lint: $(VENV)/.installed-test ## ruff and the import contract
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: $(VENV)/.installed-test ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: $(VENV)/.installed ## Apply pending migrations
	$(BIN)/flask --app app migrate

demo: $(VENV)/.installed ## Load demo data into an empty database
	$(BIN)/flask --app app demo

SIZE ?= S

wrk: ## Make sure wrk (the load generator) exists: Debian's package
	@command -v wrk >/dev/null 2>&1 || (apt-get install -y -qq wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk))

bench: $(VENV)/.installed-test wrk pgbouncer ## The benchmark at SIZE=S (default, minutes), M or L; writes bench/RESULTS.md
	$(BIN)/python bench/run.py --size $(SIZE)

screenshots: $(VENV)/.installed-test browser ## README's screenshots of the demo, taken by a browser (docs/screenshots/)
	$(BIN)/python docs/screenshots.py

clean: ## Remove the virtual environment and caches (keeps instance/)
	rm -rf $(VENV) .ruff_cache build *.egg-info
