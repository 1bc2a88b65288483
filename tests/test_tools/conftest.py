"""Fixtures of the tool tests (helpers and the tiny model's fixtures in
tool_runner.py; chip writers of tests/test_chips)."""
import sys
from pathlib import Path

import pytest

from tool_runner import (DEMO_CONFIG, inferencer, python_tool,  # noqa: F401
                         tiny, tiny_options)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'test_chips'))


@pytest.fixture(scope='session')
def trained_run(hoss_root, tmp_path_factory):
    """One short training run through tools/train.py, shared by tests."""
    work_dir = tmp_path_factory.mktemp('train')
    done = python_tool('tools/train.py', DEMO_CONFIG, '--work-dir', work_dir,
                       '--cfg-options', *tiny_options(hoss_root))
    return work_dir, done
