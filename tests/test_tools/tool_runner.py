"""Run the tools as a user would: subprocesses on the real HOSS samples;
the tiny model's fixtures and the picture-size helpers of the tool tests
(a tool's ``main`` in the test's process comes from ``tool_loading``)."""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from PIL import Image

from sdfnet_mm.visualization.ranked_list import (FRAME, LABEL_LINES,
                                                 LINE_HEIGHT, MARGIN,
                                                 MIN_TILE_WIDTH, QUERY_GAP)

REPO = Path(__file__).resolve().parents[2]
DEMO_CONFIG = 'configs/demo/sdfnet_vit-tiny_synthetic.py'
HEIGHT = 128  # the tools' chip height in pictures


def tiny_options(hoss_root, epochs: int = 2) -> list:
    """cfg-options: a 2-block 32-wide SDF-Net on the HOSS samples."""
    root = str(hoss_root)
    return [
        f'train_dataloader.dataset.data_root={root}',
        f'val_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}',
        'model.head.num_classes=21',
        'model.backbone.arch.embed_dims=32',
        'model.backbone.arch.num_layers=2',
        'model.backbone.arch.num_heads=2',
        'model.backbone.arch.feedforward_channels=64',
        'model.backbone.structure_layer=1',
        'model.neck.in_channels=32',
        'model.head.in_channels=32',
        f'train_cfg.max_epochs={epochs}',
        'train_cfg.val_interval=1',
        'train_dataloader.sampler.num_ids=4',
        'train_dataloader.batch_size=16',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False',
        'default_hooks.checkpoint.interval=1',
        'default_hooks.checkpoint.max_keep_ckpts=10',
        'default_hooks.logger.interval=1',
        'randomness.seed=0',
        'randomness.deterministic=True',
    ]


def tiny_model(hoss_root, directory: Path) -> tuple:
    """A randomly initialised tiny SDF-Net (``tiny_options``, seed 0):
    (cfg-options strings, plain config, checkpoint ``directory/tiny.pth``).
    """
    from mmengine.config import DictAction
    from mmpretrain.apis import get_model

    from sdfnet_mm.apis import inference_config
    options = tiny_options(hoss_root)
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    parsed = parser.parse_args(['--cfg-options', *options]).cfg_options
    cfg = inference_config(str(REPO / DEMO_CONFIG), parsed)
    torch.manual_seed(0)
    model = get_model(cfg)
    model.init_weights()
    checkpoint = Path(directory) / 'tiny.pth'
    torch.save({'state_dict': model.state_dict()}, checkpoint)
    return options, cfg, checkpoint


@pytest.fixture(scope='module')
def tiny(hoss_root, tmp_path_factory):
    """(cfg-options strings, plain config, checkpoint path) of
    :func:`tiny_model`, once per test module."""
    return tiny_model(hoss_root, tmp_path_factory.mktemp('tiny'))


@pytest.fixture(scope='module')
def inferencer(tiny):
    """A ReIDInferencer of the tiny model, with its checkpoint."""
    from sdfnet_mm.apis import ReIDInferencer
    _, cfg, checkpoint = tiny
    return ReIDInferencer(cfg, str(checkpoint))


def tool_env(extra=None) -> dict:
    """The environment of the tools: this venv, one thread (runs repeat)."""
    return {**os.environ, 'PYTHONPATH': str(REPO), 'OMP_NUM_THREADS': '1',
            'PATH': f'{Path(sys.executable).parent}:{os.environ["PATH"]}',
            **(extra or {})}


def run_tool(args, timeout=300, env=None,
             check=True) -> subprocess.CompletedProcess:
    """Run a tool from the repository root; unless ``check`` is False,
    fail with its output when it fails."""
    done = subprocess.run([str(a) for a in args], cwd=REPO, env=tool_env(env),
                          capture_output=True, text=True, timeout=timeout)
    if check:
        assert done.returncode == 0, (done.stdout[-3000:] +
                                      done.stderr[-5000:])
    return done


def python_tool(script, *args, **kwargs):
    return run_tool([sys.executable, REPO / script, *args], **kwargs)


def scalars(work_dir: Path) -> list:
    """The rows of scalars.json of the newest run in ``work_dir``
    (training and validation)."""
    path = sorted(work_dir.glob('*/vis_data/scalars.json'))[-1]
    return [json.loads(line) for line in path.read_text().splitlines()]


def read_test_metrics(work_dir: Path) -> dict:
    """The metrics a tools/test.py run wrote: the Runner's
    ``<timestamp>/<timestamp>.json`` of its newest run."""
    runs = sorted(work_dir.glob('*/[0-9]*_[0-9]*.json'))
    rows = [json.loads(line) for line in runs[-1].read_text().splitlines()]
    return {k: v for k, v in rows[-1].items() if k.startswith('reid/')}


def chip_size(path) -> tuple:
    with Image.open(path) as img:
        width, height = img.size
    return height, width


def expected_picture_size(paths, height=HEIGHT) -> tuple:
    """(H, W) of a ranked list of paths[0] (query) and paths[1:]."""
    widths = []
    for path in paths:
        rows, cols = chip_size(path)
        widths.append(
            max(round(cols * height / rows) + 2 * FRAME, MIN_TILE_WIDTH))
    k = len(paths) - 1
    gaps = QUERY_GAP + (k - 1) * MARGIN if k else 0
    return (2 * MARGIN + LABEL_LINES * LINE_HEIGHT + height + 2 * FRAME,
            2 * MARGIN + sum(widths) + gaps)


def picture_size(path, mode='RGB') -> tuple:
    """(H, W) of a picture file, checking its mode."""
    with Image.open(path) as img:
        assert img.mode == mode
        return img.size[::-1]
