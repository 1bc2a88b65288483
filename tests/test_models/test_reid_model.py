"""SDFNet: modes, component consistency, configs, ViT-B/16 size."""
import csv
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmpretrain.structures import DataSample

from sdfnet_mm.models import ReIDTTAModel
from sdfnet_mm.registry import MODELS

REPO = Path(__file__).resolve().parents[2]
KEYS_TSV = REPO.parent / 'shared' / 'reference' / 'official_keys_vitb16.tsv'
TINY = dict(embed_dims=32, num_layers=3, num_heads=2, feedforward_channels=64)


def tiny_cfg(path='configs/sdfnet_vitb16_hoss.py', num_classes=4):
    """A config's model with a tiny backbone and no pretrained weights."""
    model = Config.fromfile(REPO / path).model
    model.backbone.update(arch=TINY, init_cfg=None, drop_path_rate=0.0)
    if model.backbone.structure_layer is not None:
        model.backbone.structure_layer = 2
    model.neck.in_channels = 32
    model.head.in_channels = 64 if model.neck.get('fusion') == 'concat' \
        else 32
    model.head.num_classes = num_classes
    return model


def batch(n=4, labels=(0, 0, 1, 1), modality=(0, 1, 0, 1)):
    samples = []
    for label, m in zip(labels, modality):
        sample = DataSample().set_gt_label(label)
        sample.set_field(torch.tensor(m), 'modality')
        sample.set_field(torch.rand(3), 'ship_size')
        samples.append(sample)
    images = [torch.randint(0, 256, (3, 256, 128), dtype=torch.uint8)
              for _ in range(n)]
    return dict(inputs=images, data_samples=samples)


def test_data_preprocessor_batches_modality_and_ship_size():
    model = MODELS.build(tiny_cfg())
    data = batch()
    out = model.data_preprocessor(data, training=False)  # no erasing
    assert out['inputs'].shape == (4, 3, 256, 128)
    assert out['modality'].tolist() == [0, 1, 0, 1]
    assert torch.equal(out['ship_size'],
                       torch.stack([s.ship_size for s in data['data_samples']]))
    mean = torch.tensor([123.675, 116.28, 103.53]).view(3, 1, 1)
    std = torch.tensor([58.395, 57.12, 57.375]).view(3, 1, 1)
    assert torch.allclose(out['inputs'][0],
                          (data['inputs'][0].float() - mean) / std)


@pytest.mark.parametrize('path, keys', [
    ('configs/sdfnet_vitb16_hoss.py',
     {'loss_cls', 'loss_triplet', 'loss_orth', 'loss_struct', 'accuracy'}),
    ('configs/ablations/baseline_vitb16_hoss.py',
     {'loss_cls', 'loss_triplet', 'accuracy'}),
    ('configs/ablations/scl_only_vitb16_hoss.py',
     {'loss_cls', 'loss_triplet', 'loss_struct', 'accuracy'}),
    ('configs/ablations/dfl_only_vitb16_hoss.py',
     {'loss_cls', 'loss_triplet', 'loss_orth', 'accuracy'}),
    ('configs/authors/sdfnet_vitb16_hoss_authors.py',
     {'loss_cls', 'loss_triplet', 'loss_orth', 'loss_struct', 'accuracy'}),
])
def test_each_component_owns_its_loss(path, keys):
    model = MODELS.build(tiny_cfg(path))
    model.init_weights()
    losses = model(**model.data_preprocessor(batch(), True), mode='loss')
    assert set(losses) == keys
    assert all(torch.isfinite(v) for v in losses.values())


def test_predict_and_tensor_modes():
    model = MODELS.build(tiny_cfg())
    model.init_weights()
    model.eval()
    data = model.data_preprocessor(batch(), False)
    with torch.no_grad():
        samples = model(**data, mode='predict')
        feats = model(**data, mode='tensor')
    assert feats.shape == (4, 32)
    for sample, feat in zip(samples, feats):
        assert torch.equal(sample.pred_feature, feat)
    with pytest.raises(ValueError, match='modality'):
        model(data['inputs'], mode='tensor')
    with pytest.raises(ValueError, match='invalid mode'):
        model(**data, mode='features')


def test_inconsistent_components_refused():
    cfg = tiny_cfg()
    cfg.structure_loss = None
    with pytest.raises(ValueError, match='structure_loss go together'):
        MODELS.build(cfg)
    cfg = tiny_cfg('configs/authors/sdfnet_vitb16_hoss_authors.py')
    cfg.backbone.modality_token = False
    with pytest.raises(ValueError, match='modality_token=True'):
        MODELS.build(cfg)


def test_tta_averages_views():
    model = MODELS.build(tiny_cfg())
    model.init_weights()
    tta = ReIDTTAModel(module=model)
    views = []
    for scale in (1.0, 3.0):
        sample = DataSample()
        sample.set_field(torch.full((2, ), scale), 'pred_feature')
        views.append(sample)
    merged = tta.merge_preds([views])
    assert torch.equal(merged[0].pred_feature, torch.tensor([2.0, 2.0]))


def authors_parameter_count():
    """Parameters of the authors' SDF-Net.yml model, split into those with a
    role in SDF-Net and those unused (from official_keys_vitb16.tsv)."""
    used = unused = 0
    with open(KEYS_TSV) as f:
        for row in csv.DictReader(f, delimiter='\t'):
            if row['model'] != 'sdfnet:configs/SDF-Net.yml' or \
                    row['kind'] != 'param':
                continue
            key, numel = row['key'], int(row['numel'])
            if key == 'logit_scale' or key.startswith(
                    ('base.fc.', 'bottleneck.')):
                unused += numel
            else:
                used += numel
    return used, unused


def test_vitb16_authors_config_matches_authors_parameter_count():
    assert KEYS_TSV.is_file(), f'key table {KEYS_TSV} not found'
    cfg = Config.fromfile(REPO / 'configs/authors/sdfnet_vitb16_hoss_authors.py')
    cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    ours = sum(p.numel() for p in model.parameters())
    used, unused = authors_parameter_count()
    # 87,393,257 in the authors' model = what SDF-Net uses + logit_scale (1),
    # TransOSS's 1000-way fc (769,000) and the unused global BNNeck (1,536).
    assert used + unused == 87_393_257 and unused == 1 + 769_000 + 1_536
    assert ours == used == 86_622_720


def test_vitb16_forward_backward_mixed_batch():
    cfg = Config.fromfile(REPO / 'configs/sdfnet_vitb16_hoss.py')
    cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    model.init_weights()
    data = model.data_preprocessor(batch(), True)
    losses = model(**data, mode='loss')
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    assert torch.isfinite(total)
    for name in ('patch_embed', 'patch_embed_sar', 'ship_size_embed'):
        grads = [p.grad for p in getattr(model.backbone, name).parameters()]
        assert all(g is not None and g.abs().sum() > 0 for g in grads), name
    assert model.backbone.layers[11].attn.qkv.weight.grad.abs().sum() > 0
