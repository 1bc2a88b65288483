"""Every config builds its model, datasets and sampler; a tiny copy trains.
ReID configs on the real HOSS samples, pre-training configs on the
synthetic pairs."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from sdfnet_mm.registry import DATA_SAMPLERS, DATASETS, MODELS
from sdfnet_mm.utils.launch import setup_precision

REPO = Path(__file__).resolve().parents[1]
ALL_CONFIGS = sorted(
    str(p.relative_to(REPO)) for p in (REPO / 'configs').rglob('*.py')
    if '_base_' not in p.parts)
PRETRAIN_CONFIGS = [c for c in ALL_CONFIGS if c.startswith('configs/pretrain/')]
CONFIGS = [c for c in ALL_CONFIGS if c not in PRETRAIN_CONFIGS]


def test_every_family_is_present():
    names = set(ALL_CONFIGS)
    assert 'configs/sdfnet_vitb16_hoss.py' in names
    assert 'configs/authors/sdfnet_vitb16_hoss_authors.py' in names
    assert 'configs/demo/sdfnet_vit-tiny_synthetic.py' in names
    assert 'configs/demo/baseline_vit-tiny_synthetic.py' in names
    assert 'configs/sdfnet_vitb16_hoss_val.py' in names
    assert {'configs/demo/sdfnet_vit-tiny_synthetic_val.py',
            'configs/demo/scl_only_vit-tiny_synthetic.py',
            'configs/demo/dfl_only_vit-tiny_synthetic.py'} <= names
    assert sum(n.startswith('configs/ablations/') for n in names) == 9
    assert PRETRAIN_CONFIGS == [
        'configs/pretrain/transoss_vit-tiny_synthetic-pair.py',
        'configs/pretrain/transoss_vitb16_optisar-pair.py']


@pytest.mark.parametrize('path', CONFIGS)
def test_config_builds_model_datasets_sampler(path, hoss_root):
    cfg = Config.fromfile(REPO / path)
    cfg.model.backbone.init_cfg = None  # no pretrained file needed
    model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) > 0
    datasets = {}
    held_out = cfg.train_dataloader.dataset.get('val_ids') is not None
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = str(hoss_root)
        if held_out and loader != 'test_dataloader':
            # the samples have 15 ids with both modalities (HOSS: 361 ids)
            cfg[loader].dataset.val_ids.num = 5
        datasets[loader] = DATASETS.build(cfg[loader].dataset)
    # 5 ids of 2 optical + 1 SAR chip held out for validation
    assert len(datasets['train_dataloader']) == (41 if held_out else 56)
    assert len(datasets['val_dataloader']) == (15 if held_out else 109)
    assert len(datasets['test_dataloader']) == 109
    sampler = DATA_SAMPLERS.build(
        cfg.train_dataloader.sampler,
        default_args=dict(dataset=datasets['train_dataloader'], seed=0))
    assert sampler.batch_size == cfg.train_dataloader.batch_size
    assert len(list(sampler)) == len(sampler)


@pytest.mark.parametrize('path', CONFIGS)
def test_config_trains_one_step_when_shrunk(path, hoss_root):
    """The config's own pipeline, sampler, model options and optimizer on a
    2-block 32-wide backbone: one optimizer step on real samples."""
    cfg = Config.fromfile(REPO / path)
    model_cfg = cfg.model
    model_cfg.backbone.update(
        arch=dict(embed_dims=32, num_layers=2, num_heads=2,
                  feedforward_channels=64), init_cfg=None)
    if model_cfg.backbone.structure_layer is not None:
        model_cfg.backbone.structure_layer = 1
    model_cfg.neck.in_channels = 32
    held_out = cfg.train_dataloader.dataset.get('val_ids') is not None
    if held_out:
        cfg.train_dataloader.dataset.val_ids.num = 5
    model_cfg.head.update(
        in_channels=64 if model_cfg.neck.get('fusion') == 'concat' else 32,
        num_classes=16 if held_out else 21)
    model = MODELS.build(model_cfg)
    model.init_weights()
    cfg.train_dataloader.dataset.data_root = str(hoss_root)
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    sampler_cfg = cfg.train_dataloader.sampler
    sampler_cfg.num_ids = 4
    sampler = DATA_SAMPLERS.build(sampler_cfg,
                                  default_args=dict(dataset=dataset, seed=0))
    indices = list(sampler)[:sampler.batch_size]
    batch = pseudo_collate([dataset[i] for i in indices])
    setup_precision(cfg, cuda=False)  # as tools/train.py on this CPU
    optim_wrapper = dict(cfg.optim_wrapper)
    from mmengine.optim import build_optim_wrapper
    wrapper = build_optim_wrapper(model, optim_wrapper)
    before = model.backbone.layers[0].attn.qkv.weight.detach().clone()
    log_vars = model.train_step(batch, wrapper)
    assert torch.isfinite(log_vars['loss'])
    assert not torch.equal(before, model.backbone.layers[0].attn.qkv.weight)


@pytest.mark.parametrize('path', CONFIGS)
def test_no_model_selection_on_the_test_split(path):
    """A config keeps the best checkpoint only when it validates on the val
    split carved from its own training identities; otherwise the last."""
    cfg = Config.fromfile(REPO / path)
    checkpoint = cfg.default_hooks.checkpoint
    assert checkpoint.get('save_last', True)
    assert cfg.test_dataloader.dataset.split == 'test'
    val_dataset = cfg.val_dataloader.dataset
    if checkpoint.get('save_best') is None:
        assert val_dataset.split == 'test'  # evaluated for monitoring only
        return
    assert val_dataset.split == 'val'
    assert val_dataset.val_ids == cfg.train_dataloader.dataset.val_ids
    # the classifier has one output per remaining training identity
    assert cfg.model.head.num_classes == cfg.num_ids - val_dataset.val_ids.num


@pytest.mark.parametrize('path', PRETRAIN_CONFIGS)
def test_pretrain_config_builds_and_steps(path, synthetic_pairs_root):
    """Model, dataset and sampler of a pre-training config; one optimizer
    step of its shrunk model with its own pipeline and optimizer."""
    cfg = Config.fromfile(REPO / path)
    assert cfg.model.backbone.ship_size_token is False
    assert cfg.model.backbone.structure_layer is None
    assert cfg.get('val_dataloader') is None
    cfg.model.backbone.update(
        arch=dict(embed_dims=32, num_layers=2, num_heads=2,
                  feedforward_channels=64), init_cfg=None)
    model = MODELS.build(cfg.model)
    model.init_weights()
    cfg.train_dataloader.dataset.data_root = str(synthetic_pairs_root)
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    assert len(dataset) == 48
    sampler_cfg = cfg.train_dataloader.sampler
    assert 2 * sampler_cfg.num_pairs == cfg.train_dataloader.batch_size
    sampler_cfg.num_pairs = 8
    sampler = DATA_SAMPLERS.build(sampler_cfg,
                                  default_args=dict(dataset=dataset, seed=0))
    indices = list(sampler)[:sampler.batch_size]
    batch = pseudo_collate([dataset[i] for i in indices])
    from mmengine.optim import build_optim_wrapper
    wrapper = build_optim_wrapper(model, dict(cfg.optim_wrapper))
    before = model.logit_scale.detach().clone()
    log_vars = model.train_step(batch, wrapper)
    assert torch.isfinite(log_vars['loss'])
    assert not torch.equal(before, model.logit_scale)
