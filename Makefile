# One-command setup, tests and demo. `make test` / `make demo` create .venv
# on first use with the tested package set (requirements/tested.txt).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup test demo clean-venv

setup: $(STAMP)

$(STAMP): setup.py requirements/runtime.txt requirements/tests.txt requirements/tested.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/tested.txt
	$(PY) -m pip install --quiet -e '.[tests]'
	touch $@

test: setup
	$(PY) -m pytest tests

clean-venv:
	rm -rf $(VENV)
