"""The pre-training model: a train step on real pair batches, the batch
check, and its checkpoint as an SDF-Net backbone without conversion."""
import os
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import DefaultSampler, pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.runner import save_checkpoint

from sdfnet_mm.datasets import OptiSARPairDataset, OptiSARPairSampler
from sdfnet_mm.models import LOGIT_SCALE_INIT
from sdfnet_mm.registry import MODELS

REPO = Path(__file__).resolve().parents[2]
PRETRAIN_CONFIG = REPO / 'configs/pretrain/transoss_vit-tiny_synthetic-pair.py'
DEMO_CONFIG = REPO / 'configs/demo/sdfnet_vit-tiny_synthetic.py'
PIPELINE = [
    dict(type='LoadHOSSImage', sar_to_rgb='log'),
    dict(type='Resize', scale=(32, 128), backend='pillow'),
    dict(type='PackReIDInputs'),
]


def pretrain_model(**backbone):
    cfg = Config.fromfile(PRETRAIN_CONFIG)
    cfg.model.backbone.update(arch=dict(embed_dims=32, num_layers=2,
                                        num_heads=2, feedforward_channels=64),
                              img_size=(128, 32), **backbone)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model


@pytest.fixture(scope='module')
def pairs(synthetic_pairs_root):
    return OptiSARPairDataset(str(synthetic_pairs_root), pipeline=PIPELINE)


def batch_of(dataset, indices):
    return pseudo_collate([dataset[i] for i in indices])


@pytest.mark.parametrize('seed', [0, 1])
def test_train_step_on_a_pair_batch(pairs, seed):
    torch.manual_seed(seed)
    model = pretrain_model()
    assert model.logit_scale.item() == pytest.approx(LOGIT_SCALE_INIT)
    sampler = OptiSARPairSampler(pairs, num_pairs=6, seed=0)
    batch = batch_of(pairs, list(sampler)[:12])
    wrapper = build_optim_wrapper(
        model, dict(optimizer=dict(type='AdamW', lr=1e-3)))
    before = model.backbone.patch_embed_sar.projection.weight.clone()
    first = model.train_step(batch, wrapper)
    assert torch.isfinite(first['loss'])
    assert not torch.equal(before,
                           model.backbone.patch_embed_sar.projection.weight)
    for _ in range(20):  # the pairs of one batch are learnt quickly
        last = model.train_step(batch, wrapper)
    assert last['loss'].item() < first['loss'].item() / 2
    assert last['pair_accuracy'].item() > first['pair_accuracy'].item()
    assert last['logit_scale'].item() != pytest.approx(LOGIT_SCALE_INIT)
    features = model(**model.data_preprocessor(batch), mode='tensor')
    assert features.shape == (12, 32)


def test_batch_not_in_pair_layout_is_refused(pairs):
    model = pretrain_model()
    mixed = batch_of(pairs, list(DefaultSampler(pairs, shuffle=False))[:8])
    with pytest.raises(ValueError, match='N optical chips followed by their '
                       'N SAR partners.*OptiSARPairSampler'):
        model(**model.data_preprocessor(mixed, True), mode='loss')


def test_backbone_with_scl_or_ship_size_is_refused():
    with pytest.raises(ValueError, match='SCL'):
        pretrain_model(structure_layer=1)
    with pytest.raises(ValueError, match='ship-size token'):
        pretrain_model(ship_size_token=True)


def test_checkpoint_initialises_the_demo_backbone(tmp_path, log_messages):
    """The pre-training checkpoint loads into the demo SDF-Net through
    init_cfg Pretrained with prefix backbone.: every pre-trained tensor
    arrives unchanged, logit_scale is left out and said so, and the
    ship-size token (absent from pre-training) is reported missing."""
    cfg = Config.fromfile(PRETRAIN_CONFIG)
    pretrained = MODELS.build(cfg.model)
    pretrained.init_weights()
    with torch.no_grad():
        pretrained.logit_scale.fill_(3.5)
    checkpoint = str(tmp_path / 'pretrain.pth')
    save_checkpoint({'state_dict': pretrained.state_dict()}, checkpoint)
    demo = Config.fromfile(DEMO_CONFIG)
    demo.model.backbone.init_cfg = dict(type='Pretrained',
                                        checkpoint=checkpoint,
                                        prefix='backbone.')
    model = MODELS.build(demo.model)
    model.init_weights()
    loaded = model.backbone.state_dict()
    for key, value in pretrained.backbone.state_dict().items():
        assert torch.equal(loaded[key], value), key
    assert set(loaded) - set(pretrained.backbone.state_dict()) == {
        'ship_size_embed.weight', 'ship_size_embed.bias'}
    text = '\n'.join(log_messages)
    assert "1 key(s) outside 'backbone.' not loaded: logit_scale" in text
    assert 'ship_size_embed.weight' in text  # MMEngine's missing-key report


def test_missing_paper_checkpoint_says_how_to_get_it(tmp_path, monkeypatch):
    cfg = Config.fromfile(REPO / 'configs/sdfnet_vitb16_hoss.py')
    cfg.model.backbone.arch = dict(embed_dims=32, num_layers=2, num_heads=2,
                                   feedforward_channels=64)
    cfg.model.backbone.structure_layer = 1
    cfg.model.neck.in_channels = cfg.model.head.in_channels = 32
    model = MODELS.build(cfg.model)
    monkeypatch.chdir(tmp_path)
    assert not os.path.exists('checkpoints/vit_b512_pre_sdfnet.pth')
    with pytest.raises(FileNotFoundError) as error:
        model.init_weights()
    message = str(error.value)
    for expected in ('checkpoints/vit_b512_pre_sdfnet.pth not found',
                     'https://huggingface.co/Alioth2000/TransOSS',
                     'python tools/convert_weights.py vit_b512_pre.pth '
                     'checkpoints/vit_b512_pre_sdfnet.pth --config',
                     'configs/pretrain/transoss_vitb16_optisar-pair.py'):
        assert expected in message
