# One-command setup, tests and demo. `make test` / `make demo` create .venv
# on first use with the tested package set (requirements/tested.txt).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup test demo clean-venv

setup: $(STAMP)

$(STAMP): setup.py requirements/runtime.txt requirements/tests.txt \
          requirements/retrieval.txt requirements/tested.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/tested.txt
	$(PY) -m pip install --quiet -e '.[tests,retrieval]'
	touch $@

test: setup
	$(PY) -m pytest tests

# Synthetic data (if missing), chance level, CPU training, evaluation and a
# ranked-list picture in work_dirs/demo (tools/demo.py).
demo: setup
	$(PY) tools/demo.py

clean-venv:
	rm -rf $(VENV)
