# PEC Precheck — everything the project needs is installed from here.
#   make run    install what the web app needs and start it on http://127.0.0.1:5000
#   make test   install everything (browser and antivirus included) and run the whole suite
#   make bench  time the checks on the sample submissions and the PDF/A corpus

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 5000
PYTEST_ARGS ?=

.PHONY: run test lint bench install install-test system system-test assets samples clean verapdf trust

run: install trust
	@echo "PEC Precheck: open http://$(HOST):$(PORT)/"
	$(PY) -m flask --app app run --host $(HOST) --port $(PORT)

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
	$(PY) -m ruff check checker app.py tests bench samples scripts
	$(PY) -m mypy

bench: install-test samples
	$(PY) bench/run.py

install: system $(VENV)/.installed assets verapdf
install-test: system-test $(VENV)/.installed-test assets verapdf

system:
	scripts/install-system.sh run
system-test:
	scripts/install-system.sh test

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
	rm -rf $(VENV) node_modules static/vendor samples/out .pytest_cache
