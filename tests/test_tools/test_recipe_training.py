"""The ViT-B configs' recipe in real training (MMEngine Runner through
tools/train.py's argument handling) on the HOSS samples, at tiny width: the
lr set once per epoch as the authors' schedule, a resumed run repeating the
uninterrupted one, and the authors' config on a CPU."""
import sys
import textwrap

import pytest
from mmengine.config import Config

from recipe_reference import authors_lr
from sdfnet_mm.engine.precision import native_bf16_flags
from tool_runner import REPO, run_tool, scalars

PAPER = 'configs/sdfnet_vitb16_hoss.py'
AUTHORS = 'configs/authors/sdfnet_vitb16_hoss_authors.py'


def tiny_vitb_config(path: str, hoss_root, epochs: int) -> Config:
    """A ViT-B config with a 2-block 32-wide backbone (its `arch` is a
    name, which --cfg-options cannot shrink), 4 ids per batch, no
    validation."""
    cfg = Config.fromfile(REPO / path)
    cfg.model.backbone.update(
        arch=dict(embed_dims=32, num_layers=2, num_heads=2,
                  feedforward_channels=64),
        init_cfg=None, structure_layer=1)
    cfg.model.neck.in_channels = 32
    cfg.model.head.update(in_channels=32, num_classes=21)
    cfg.train_dataloader.update(batch_size=16, num_workers=0,
                                persistent_workers=False)
    cfg.train_dataloader.sampler.num_ids = 4
    cfg.train_dataloader.dataset.data_root = str(hoss_root)
    cfg.train_cfg.max_epochs = epochs
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint.interval = 1
    cfg.randomness = dict(seed=0, deterministic=True)
    return cfg


@pytest.fixture(scope='module')
def recipe_runs(hoss_root, tmp_path_factory):
    """paper: 2 epochs; resumed: 1 epoch, then --resume to 2; authors: 1
    epoch. Each through tools/train.py's merge_args and Runner.from_cfg."""
    root = tmp_path_factory.mktemp('recipe')
    script = textwrap.dedent(f'''
        import sys
        from pathlib import Path
        sys.path[:0] = [{str(REPO / 'tools')!r},
                        {str(REPO / 'tests' / 'test_tools')!r}]
        from mmengine.runner import Runner
        import train
        from test_recipe_training import tiny_vitb_config
        from sdfnet_mm.utils import register_all_modules
        register_all_modules(init_default_scope=False)
        root, hoss = Path({str(root)!r}), Path({str(hoss_root)!r})
        for path, name, epochs, extra in [
                ({PAPER!r}, 'paper', 2, []),
                ({PAPER!r}, 'resumed', 1, []),
                ({PAPER!r}, 'resumed', 2, ['--resume']),
                ({AUTHORS!r}, 'authors', 1, [])]:
            cfg = tiny_vitb_config(path, hoss, epochs)
            args = train.parse_args([path, '--work-dir', str(root / name),
                                     '--no-validate', *extra])
            cfg = train.merge_args(cfg, args)
            kind = cfg.optim_wrapper.type
            print(name, 'optim_wrapper', getattr(kind, '__name__', kind))
            Runner.from_cfg(cfg).train()
    ''')
    done = run_tool([sys.executable, '-c', script], timeout=900)
    return root, done.stdout + done.stderr


def train_rows(work_dir):
    return [r for r in scalars(work_dir) if 'loss' in r]


def test_lr_is_the_authors_value_of_each_epoch(recipe_runs):
    root, _ = recipe_runs
    rows = train_rows(root / 'paper')
    assert len(rows) == 2 * 6  # ceil(21 ids / 4) = 6 batches per epoch
    for row in rows:
        epoch = (row['step'] - 1) // 6 + 1
        # Group 0 (backbone.cls_token) at 1x; MMEngine's base_lr record.
        assert row['lr'] == pytest.approx(authors_lr(5e-4, epoch), rel=1e-9)
        assert row['base_lr'] == row['lr']


def test_resumed_run_repeats_the_uninterrupted_one(recipe_runs):
    root, log = recipe_runs
    assert 'resumed epoch: 1' in log
    uninterrupted = train_rows(root / 'paper')[6:]
    resumed = train_rows(root / 'resumed')
    assert len(resumed) == 6
    for ours, theirs in zip(resumed, uninterrupted):
        for key in ('lr', 'loss', 'loss_cls', 'loss_struct', 'loss_triplet'):
            assert ours[key] == theirs[key], key


def test_authors_config_trains_on_the_cpu_in_its_precision(recipe_runs):
    """The authors' float16 AmpOptimWrapper becomes this CPU's precision,
    as the paper config's 'auto': bfloat16 autocast where the CPU has it
    natively, else float32 (a plain OptimWrapper)."""
    root, log = recipe_runs
    expected = ('CPUAutocastOptimWrapper' if native_bf16_flags() else
                'OptimWrapper')
    assert f'authors optim_wrapper {expected}\n' in log
    assert f'paper optim_wrapper {expected}\n' in log
    # RandomIdentitySampler: 21 chunks of 4 -> 21 // 4 = 5 batches.
    assert len(train_rows(root / 'authors')) == 5
    assert (root / 'authors' / 'epoch_1.pth').is_file()
