# One-command setup, tests and demo. `make test` / `make demo` create .venv
# on first use with the tested package set (requirements/tested.txt).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup test demo demo-pretrain clean-venv

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

# The pre-training stage on the CPU (tools/make_synthetic_pairs.py,
# configs/pretrain/transoss_vit-tiny_synthetic-pair.py): synthetic optical-SAR
# pairs (if missing) -> contrastive pre-training of the demo backbone -> the
# demo fine-tuning and evaluation from it (tools/demo.py with
# configs/demo/sdfnet_vit-tiny_synthetic_pretrained.py), in
# work_dirs/demo_pretrain. Budget: README, "Pre-training demo".
PAIRS_ROOT := data/synthetic_pairs
PRETRAIN_DIR := work_dirs/demo_pretrain
demo-pretrain: setup
	test -d $(PAIRS_ROOT) || $(PY) tools/make_synthetic_pairs.py --out $(PAIRS_ROOT) --seed 0
	$(PY) tools/train.py configs/pretrain/transoss_vit-tiny_synthetic-pair.py --work-dir $(PRETRAIN_DIR)/pretrain
	$(PY) tools/demo.py --config configs/demo/sdfnet_vit-tiny_synthetic_pretrained.py --work-dir $(PRETRAIN_DIR)

clean-venv:
	rm -rf $(VENV)
