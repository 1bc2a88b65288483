"""Shared test fixtures: the real HOSS samples, the parity fixture and a
small synthetic pre-training pair set.

Both live outside the repository (``../shared``); their locations come from
``SDFNET_HOSS_SAMPLES`` and ``SDFNET_PARITY_FIXTURE``. A test that needs
one fails, naming the path and the variable, when it is absent: a skipped
test would prove nothing.
"""
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
HOSS_SAMPLES = Path(
    os.environ.get('SDFNET_HOSS_SAMPLES',
                   REPO_ROOT.parent / 'shared' / 'data' / 'hoss_samples'))
PARITY_FIXTURE = Path(
    os.environ.get(
        'SDFNET_PARITY_FIXTURE', REPO_ROOT.parent / 'shared' / 'reference' /
        'parity' / 'fixture_A.pt'))


@pytest.fixture(scope='session')
def hoss_root() -> Path:
    """The folder of real HOSS chips (fails when it is absent)."""
    if not HOSS_SAMPLES.is_dir():
        pytest.fail(f'HOSS samples not found at {HOSS_SAMPLES} '
                    '(set SDFNET_HOSS_SAMPLES)')
    return HOSS_SAMPLES


@pytest.fixture(scope='session')
def parity_fixture() -> dict:
    """The authors' parity fixture, loaded (fails when it is absent)."""
    if not PARITY_FIXTURE.is_file():
        pytest.fail(f'parity fixture not found at {PARITY_FIXTURE} '
                    '(set SDFNET_PARITY_FIXTURE)')
    import torch
    return torch.load(PARITY_FIXTURE, weights_only=True)


@pytest.fixture
def precision_log(monkeypatch) -> list:
    """The (level, message) pairs that :mod:`sdfnet_mm.engine.precision`
    logs during a test, from a fresh 'once' memory and without
    ``SDFNET_ALLOW_EMULATED_BF16``."""
    import logging

    from sdfnet_mm.engine import precision
    lines = []
    monkeypatch.setattr(precision, '_LOGGED', set())
    monkeypatch.setattr(
        precision, 'print_log',
        lambda message, logger=None, level=logging.INFO: lines.append(
            (level, message)))
    monkeypatch.delenv(precision.ALLOW_EMULATED_BF16, raising=False)
    return lines

#: The synthetic pre-training pairs the tests share: 24 pair ids, 12 ship,
#: 6 harbour and 6 land scenes.
SYNTHETIC_PAIRS = dict(num_pairs=24, seed=1)


@pytest.fixture(scope='session')
def synthetic_pairs_root(tmp_path_factory) -> Path:
    """A small synthetic OptiSar_Pair set, generated once per session."""
    from sdfnet_mm.synthetic import PairSpec, generate_pairs
    root = tmp_path_factory.mktemp('pairs') / 'OptiSar_Pair'
    generate_pairs(str(root), PairSpec(**SYNTHETIC_PAIRS), workers=1)
    return root


@pytest.fixture
def log_messages():
    """The messages MMEngine's current logger emits during the test."""
    import logging

    from mmengine.logging import MMLogger
    messages = []

    class Keep(logging.Handler):

        def emit(self, record):
            messages.append(record.getMessage())

    handler = Keep()
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield messages
    logger.removeHandler(handler)


@pytest.fixture(autouse=True, scope='session')
def _sdfnet_setup():
    """Every test builds modules in the ``sdfnet_mm`` scope, in a process set
    up as the tools set it up (checkpoint pickling, file backend)."""
    from sdfnet_mm.utils import register_all_modules
    register_all_modules()
