# SPDX-License-Identifier: AGPL-3.0-or-later
# Two commands do all set-up on a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1:8000

.PHONY: demo test lint install clean messages oidc-provider

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m motcua migrate --noinput
	$(PY) -m motcua units sync
	$(PY) -m motcua demo
	@echo "motcua: http://$(HOST)/  (Ctrl+C để dừng)"
	$(PY) -m motcua runserver $(HOST)

test: $(STAMP) oidc-provider
	$(PY) -m pytest

# The OpenID Connect provider the VNeID login tests run on loopback (tests/oidc_provider, npm). Installed
# when Node is there and node_modules is missing or older than the lock file; without Node those tests
# report that they did not run (or fail, with MOTCUA_REQUIRE_NODE=1).
OIDC_PROVIDER := tests/oidc_provider
OIDC_STAMP := $(OIDC_PROVIDER)/node_modules/.motcua-installed

$(OIDC_STAMP): $(OIDC_PROVIDER)/package.json $(OIDC_PROVIDER)/package-lock.json
	npm ci --prefix $(OIDC_PROVIDER) --no-audit --no-fund
	touch $@

oidc-provider:
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory $(OIDC_STAMP); \
	else \
		echo "motcua: Node.js/npm not found: the VNeID (OpenID Connect) login tests will not run."; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# The project catalog (motcua/locale) leaves out the apps with their own (portal, backoffice) and the
# official printed forms, which stay Vietnamese.
messages: $(STAMP)
	cd motcua && ../$(PY) -m motcua makemessages -l en --no-obsolete --ignore='portal/*' --ignore='backoffice/*' \
		--ignore='dossiers/printing/*' --ignore='dossiers/templates/*' --ignore='*/tests/*'
	cd motcua && ../$(PY) -m motcua compilemessages -l en


clean:
	rm -rf $(VENV) var
