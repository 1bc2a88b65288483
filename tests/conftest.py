"""Shared test fixtures: the real HOSS samples and the parity fixture.

Both live outside the repository (``../shared``); their locations come from
``SDFNET_HOSS_SAMPLES`` and ``SDFNET_PARITY_FIXTURE``. Only the tests that
need them skip, and only when they are absent.
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
    """The folder of real HOSS chips (skips when it is absent)."""
    if not HOSS_SAMPLES.is_dir():
        pytest.skip(f'HOSS samples not found at {HOSS_SAMPLES} '
                    '(set SDFNET_HOSS_SAMPLES)')
    return HOSS_SAMPLES


@pytest.fixture(scope='session')
def parity_fixture() -> dict:
    """The authors' parity fixture, loaded (skips when it is absent)."""
    if not PARITY_FIXTURE.is_file():
        pytest.skip(f'parity fixture not found at {PARITY_FIXTURE} '
                    '(set SDFNET_PARITY_FIXTURE)')
    import torch
    return torch.load(PARITY_FIXTURE, weights_only=True)


@pytest.fixture(autouse=True, scope='session')
def _sdfnet_setup():
    """Every test builds modules in the ``sdfnet_mm`` scope, in a process set
    up as the tools set it up (checkpoint pickling, file backend)."""
    from sdfnet_mm.utils import register_all_modules
    register_all_modules()
