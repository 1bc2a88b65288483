"""The pre-training stage through the tools: tools/train.py and
tools/dist_train.sh (2 gloo processes) on the synthetic pairs, then the demo
SDF-Net fine-tuned from the checkpoint without conversion."""
import pytest
import torch

from tool_runner import REPO, python_tool, run_tool, scalars, tiny_options

PRETRAIN_CONFIG = 'configs/pretrain/transoss_vit-tiny_synthetic-pair.py'
TINY_ARCH = [
    'model.backbone.arch.embed_dims=32', 'model.backbone.arch.num_layers=2',
    'model.backbone.arch.num_heads=2',
    'model.backbone.arch.feedforward_channels=64'
]


def pretrain_options(pairs_root) -> list:
    """cfg-options: the tiny backbone of tiny_options(), 8 pairs a batch."""
    return [
        f'train_dataloader.dataset.data_root={pairs_root}', *TINY_ARCH,
        'train_cfg.max_epochs=1', 'train_dataloader.sampler.num_pairs=8',
        'train_dataloader.batch_size=16', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'default_hooks.checkpoint.interval=1',
        'default_hooks.logger.interval=1', 'randomness.seed=0'
    ]


def state_dict(path):
    return torch.load(path, map_location='cpu', weights_only=True)[
        'state_dict']


@pytest.fixture(scope='module')
def pretrained(synthetic_pairs_root, tmp_path_factory):
    """One epoch of pre-training through tools/train.py."""
    work_dir = tmp_path_factory.mktemp('pretrain')
    python_tool('tools/train.py', PRETRAIN_CONFIG, '--work-dir', work_dir,
                '--cfg-options', *pretrain_options(synthetic_pairs_root))
    return work_dir


def test_train_tool_pretrains(pretrained):
    state = state_dict(pretrained / 'epoch_1.pth')
    assert 'logit_scale' in state
    assert {k.split('.')[0] for k in state} == {'backbone', 'logit_scale'}
    assert 'backbone.patch_embed_sar.projection.weight' in state
    assert not any('ship_size' in k for k in state)
    rows = [r for r in scalars(pretrained) if 'loss' in r]
    assert len(rows) == 3  # 24 pairs, 8 per batch
    assert {'logit_scale', 'pair_accuracy', 'lr'} <= set(rows[0])


def test_dist_train_two_cpu_processes(synthetic_pairs_root, tmp_path):
    """2 gloo processes x 8 pairs, features gathered: one global batch of
    16 of the 24 pair ids per epoch."""
    work_dir = tmp_path / 'dist'
    done = run_tool(['bash', REPO / 'tools/dist_train.sh', PRETRAIN_CONFIG,
                     '2', '--work-dir', work_dir, '--cfg-options',
                     *pretrain_options(synthetic_pairs_root)],
                    env={'PORT': '29527'})
    log = done.stdout + done.stderr
    assert 'Distributed training: True' in log
    assert 'unused parameters' not in log.lower()
    state = state_dict(work_dir / 'epoch_1.pth')
    assert not any(k.startswith('module.') for k in state)
    assert len([r for r in scalars(work_dir) if 'loss' in r]) == 1


def test_demo_sdfnet_fine_tunes_from_the_checkpoint(pretrained, hoss_root,
                                                    tmp_path):
    """The demo's fine-tuning config from a pre-training checkpoint, as it
    is, trains; the log names what is loaded and what is left out (that
    the tensors arrive unchanged:
    tests/test_models/test_optical_sar_contrastive.py)."""
    checkpoint = pretrained / 'epoch_1.pth'
    work_dir = tmp_path / 'finetune'
    done = python_tool(
        'tools/train.py', 'configs/demo/sdfnet_vit-tiny_synthetic_pretrained.py',
        '--work-dir', work_dir, '--cfg-options',
        *tiny_options(hoss_root, epochs=1), 'train_cfg.val_interval=2',
        f'model.backbone.init_cfg.checkpoint={checkpoint}')
    log = done.stdout + done.stderr
    assert f'load backbone. in model from: {checkpoint}' in log
    assert "1 key(s) outside 'backbone.' not loaded: logit_scale" in log
    assert 'ship_size_embed' in log  # missing from pre-training, reported
    assert (work_dir / 'epoch_1.pth').is_file()
