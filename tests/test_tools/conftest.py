"""Fixtures of the tool tests (helpers in tool_runner.py)."""
import argparse

import pytest
import torch
from mmengine.config import DictAction
from mmpretrain.apis import get_model

from sdfnet_mm.apis import inference_config

from tool_runner import DEMO_CONFIG, REPO, python_tool, tiny_options


@pytest.fixture(scope='session')
def trained_run(hoss_root, tmp_path_factory):
    """One short training run through tools/train.py, shared by tests."""
    work_dir = tmp_path_factory.mktemp('train')
    done = python_tool('tools/train.py', DEMO_CONFIG, '--work-dir', work_dir,
                       '--cfg-options', *tiny_options(hoss_root))
    return work_dir, done


@pytest.fixture(scope='module')
def tiny(hoss_root, tmp_path_factory):
    """A small random SDF-Net (the demo config shrunk by ``tiny_options``):
    (cfg-options strings, plain config, checkpoint path)."""
    options = tiny_options(hoss_root)
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    parsed = parser.parse_args(['--cfg-options', *options]).cfg_options
    cfg = inference_config(str(REPO / DEMO_CONFIG), parsed)
    torch.manual_seed(0)
    model = get_model(cfg)
    model.init_weights()
    checkpoint = tmp_path_factory.mktemp('tiny') / 'tiny.pth'
    torch.save({'state_dict': model.state_dict()}, checkpoint)
    return options, cfg, checkpoint
