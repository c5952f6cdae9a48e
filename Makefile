# saaprep: `make run` serves the site, `make test` runs every check.
# Needs only python3 and make: the virtualenv and the packages are installed on first use,
# and reinstalled only when a requirements file changes.

PYTHON ?= python3
PORT ?= 8000
PYTEST_ARGS ?=

VENV := .venv
PY := $(VENV)/bin/python
# Manage commands for local development: SQLite, console email, no secret needed.
MANAGE := DJANGO_DEBUG=1 $(PY) manage.py

# Translations are compiled only when there are catalogs; the .mo files are build output.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)

# Debian packages: gettext (msgfmt) for compilemessages, Chromium and CJK fonts for the
# browser tests. EXTRA_PACKAGES adds more (CI adds its own tools).
SYSTEM_PACKAGES := gettext chromium fonts-noto-cjk $(EXTRA_PACKAGES)

.PHONY: help run migrate messages fixtures superuser teacher demo system-packages \
	test lint format-check types migrations-check pytest clean distclean

help:
	@echo "make run        serve the site on http://127.0.0.1:$(PORT)/ (PORT=... to change)"
	@echo "make test       lint, types, migrations check and the test suite (PYTEST_ARGS=...)"
	@echo "make fixtures   rebuild fixtures/content.json from notes/"
	@echo "make superuser  create an admin account for /admin/"
	@echo "make teacher EMAIL=you@example.com   give a signed-up user the teacher role"
	@echo "make demo       add demo accounts with a few weeks of history (local use only)"
	@echo "make clean      remove caches and build output; distclean also removes .venv"

# --- System packages -------------------------------------------------------------------

# Installs the missing ones of $(1) with apt-get when run as root (as on the project's
# machines and in CI); anyone else is told the command. Skipped where there is no dpkg.
define ensure_packages
	@command -v dpkg-query >/dev/null || exit 0; \
	missing=""; \
	for package in $(1); do \
	    [ "$$(dpkg-query -W -f='$${db:Status-Status}' $$package 2>/dev/null)" = installed ] || \
	        missing="$$missing $$package"; \
	done; \
	[ -n "$$missing" ] || exit 0; \
	if [ "$$(id -u)" != 0 ]; then \
	    echo "missing Debian packages; run: sudo apt-get install$$missing" >&2; exit 1; \
	fi; \
	echo "installing Debian packages:$$missing"; \
	apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing
endef

system-packages:
	$(call ensure_packages,$(SYSTEM_PACKAGES))

# --- The virtualenv ---------------------------------------------------------------------

$(PY):
	$(PYTHON) -m venv $(VENV)

# One stamp per requirements set: pip runs again only when its file is newer than the stamp.
# The dev set includes the runtime set, so installing it refreshes both stamps.
$(VENV)/.installed-runtime: requirements.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

# --- Running ----------------------------------------------------------------------------

run: migrate
	@echo "An empty site? 'make demo' adds demo accounts with weeks of history (see README)."
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# Idempotent: migrations, the cache table and the content fixture can be applied any time.
migrate: $(VENV)/.installed-runtime messages
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) seed_content

# Each .mo is rebuilt only when its .po is newer, so a second `make` leaves them alone (CI runs
# two suites side by side).
messages: $(PO_FILES:.po=.mo)

%.mo: %.po $(VENV)/.installed-runtime
	$(call ensure_packages,gettext)
	msgfmt --check-format -o $@ $<

fixtures: $(VENV)/.installed-runtime
	$(MANAGE) build_fixtures

superuser: migrate
	$(MANAGE) createsuperuser

# The account must exist (sign up first); the role shows on the user's next page.
teacher: migrate
	@[ -n "$(EMAIL)" ] || { echo "usage: make teacher EMAIL=you@example.com" >&2; exit 2; }
	$(MANAGE) make_teacher "$(EMAIL)"

# Demo learner, teacher and class with weeks of history; made again from scratch on every run.
demo: migrate
	$(MANAGE) seed_demo

# --- Checks -----------------------------------------------------------------------------
# `make test` runs them all; `make -k test` (as CI does) goes on after a failing one.

test: lint format-check types migrations-check pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .

format-check: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format --check .

# mypy's Django plugin imports the settings, which want a secret when DEBUG is off.
types: $(VENV)/.installed-dev
	DJANGO_SECRET_KEY=make-test-only $(VENV)/bin/mypy .

migrations-check: $(VENV)/.installed-dev
	$(MANAGE) makemigrations --check --dry-run

# pytest-env (pyproject.toml) supplies the tests' secret key and settings.
pytest: system-packages $(VENV)/.installed-dev messages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# --- Housekeeping -----------------------------------------------------------------------

clean:
	rm -rf staticfiles .pytest_cache .mypy_cache .ruff_cache test-results
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	[ ! -d locale ] || find locale -name '*.mo' -delete

distclean: clean
	rm -rf $(VENV) .cache
