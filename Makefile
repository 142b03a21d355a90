# PEC Precheck — everything the project needs is installed from here.
#   make run    install what the web app needs (ClamAV included) and serve it with gunicorn
#               and a private clamd on http://127.0.0.1:5000 (HOST=, PORT= to change)
#   make test   install everything (browser and antivirus included) and run the whole suite
#   make bench  time the checks on the sample submissions and the PDF/A corpus

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 5000
PYTEST_ARGS ?=

.PHONY: run dev test lint bench install install-test system system-test assets samples clean verapdf trust \
        translations messages screenshots

# gunicorn (gunicorn.conf.py) with the project's private clamd (scripts/start-clamd.sh) unless
# PEC_PRECHECK_CLAMD already names a clamd; the private one stops when gunicorn exits.
# `make dev` is Flask's development server (auto-reload, no antivirus), for working on the code.
run: install trust
	@clamd="$${PEC_PRECHECK_CLAMD:-}"; owned=0; \
	if [ -z "$$clamd" ]; then clamd=$$(scripts/start-clamd.sh); owned=1; fi; \
	[ -n "$$clamd" ] || echo "PEC Precheck: antivirus NOT running (see above): reports will say «antivirus non eseguito»"; \
	echo "PEC Precheck: open http://$(HOST):$(PORT)/"; \
	PEC_PRECHECK_CLAMD="$$clamd" PEC_PRECHECK_STOP_CLAMD_ON_EXIT=$$owned PEC_PRECHECK_BIND=$(HOST):$(PORT) \
	  exec $(PY) -m gunicorn -c gunicorn.conf.py

dev: install
	@echo "PEC Precheck (development server): open http://$(HOST):$(PORT)/"
	$(PY) -m flask --app app run --debug --host $(HOST) --port $(PORT)

# The Italian trusted list: downloaded and signature-checked into trust/ (ignored by git) when
# the network allows; otherwise, quickly, the checks keep the list saved earlier or the snapshot
# shipped in checker/signatures/data/ (the command says which).
trust: $(VENV)/.installed
	-$(VENV)/bin/pec-precheck trust update --out trust/TSL-IT.xml --timeout 5

test: install-test samples lint
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# ruff and mypy (configured in pyproject.toml); the import-layer check is a test
# (tests/unit/test_layers.py), also runnable alone: $(PY) tests/unit/test_layers.py
lint: $(VENV)/.installed-test
	$(PY) -m ruff check checker app.py gunicorn.conf.py tests bench samples scripts
	$(PY) -m mypy

# Every state of the web pages at desktop and phone width, as PNG files in screenshots/ (ignored
# by git): the browser tests save them when PEC_PRECHECK_SCREENSHOTS names a folder.
screenshots: install-test samples
	rm -rf screenshots && mkdir -p screenshots
	PEC_PRECHECK_SCREENSHOTS=$(CURDIR)/screenshots $(PY) -m pytest -q -n 2 --dist loadfile tests/browser
	@echo "PEC Precheck: screenshots in $(CURDIR)/screenshots/"

bench: install-test samples
	$(PY) bench/run.py

install: system $(VENV)/.installed assets verapdf translations
install-test: system-test $(VENV)/.installed-test assets verapdf translations

system:
	scripts/install-system.sh run
system-test:
	scripts/install-system.sh test

# The interface in English: checker/web/translations/*/messages.po compiled to .mo (ignored by git).
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel -q compile -d checker/web/translations
# After adding or changing an interface string (_() in templates/ or checker/web/): refresh the
# catalogue, write the English msgstr, `make translations`. tests/unit/test_i18n.py checks it.
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel -q extract --no-location --sort-output -k lazy_gettext -F babel.cfg -o /tmp/pec-precheck-messages.pot .
	$(VENV)/bin/pybabel -q update --no-wrap --ignore-obsolete --no-fuzzy-matching -i /tmp/pec-precheck-messages.pot -d checker/web/translations

# veraPDF (Java, from Maven Central) built once into verapdf/build/ for the warm pool.
verapdf:
	scripts/build-verapdf.sh

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

# Bootstrap Italia from the npm registry; its dist files are copied, never committed.
assets: static/vendor/bootstrap-italia/.installed
static/vendor/bootstrap-italia/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	rm -rf static/vendor/bootstrap-italia
	mkdir -p static/vendor/bootstrap-italia
	cp -r node_modules/bootstrap-italia/dist/css node_modules/bootstrap-italia/dist/js \
	      node_modules/bootstrap-italia/dist/svg node_modules/bootstrap-italia/dist/fonts \
	      static/vendor/bootstrap-italia/
	touch $@

# Sample files (good and bad) generated with real libraries into samples/out/.
samples: $(VENV)/.installed-test
	$(PY) samples/make_samples.py samples/out

clean:
	-scripts/start-clamd.sh stop
	rm -rf $(VENV) node_modules static/vendor samples/out .pytest_cache
