"""Weight conversion: the authors' load_param cases, timm keys, refusals."""
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from sdfnet_mm.converters import (adapt_pos_embed, convert_checkpoint,
                                  unwrap_state_dict)
from sdfnet_mm.registry import MODELS

REPO = Path(__file__).resolve().parents[2]
TINY = dict(embed_dims=16, num_layers=2, num_heads=2, feedforward_channels=32)


def tiny_model(modality_token=True, sse=True):
    return MODELS.build(dict(
        type='SDFNet',
        backbone=dict(type='SDFViT', arch=TINY, modality_token=modality_token,
                      ship_size_token=sse, structure_layer=None),
        neck=dict(type='DisentangleNeck', in_channels=16,
                  mode='token' if modality_token else 'linear'),
        head=dict(type='BNNeckHead', in_channels=16, num_classes=5)))


def timm_backbone(dims=16, depth=2, grid=14, extra=()):
    """A bare backbone state dict in timm / TransOSS naming."""
    state = {
        'cls_token': torch.randn(1, 1, dims),
        'pos_embed': torch.randn(1, 1 + grid * grid, dims),
        'patch_embed.proj.weight': torch.randn(dims, 3, 16, 16),
        'patch_embed.proj.bias': torch.randn(dims),
        'norm.weight': torch.randn(dims), 'norm.bias': torch.randn(dims),
        'head.weight': torch.randn(1000, dims), 'head.bias': torch.randn(1000),
    }
    for i in range(depth):
        for name, shape in [('norm1.weight', (dims, )),
                            ('norm1.bias', (dims, )),
                            ('attn.qkv.weight', (3 * dims, dims)),
                            ('attn.qkv.bias', (3 * dims, )),
                            ('attn.proj.weight', (dims, dims)),
                            ('attn.proj.bias', (dims, )),
                            ('norm2.weight', (dims, )),
                            ('norm2.bias', (dims, )),
                            ('mlp.fc1.weight', (2 * dims, dims)),
                            ('mlp.fc1.bias', (2 * dims, )),
                            ('mlp.fc2.weight', (dims, 2 * dims)),
                            ('mlp.fc2.bias', (dims, ))]:
            state[f'blocks.{i}.{name}'] = torch.randn(*shape)
    state.update(extra)
    return state


def shapes(model):
    return {k: v.shape for k, v in model.state_dict().items()}


def test_authors_load_param_pos_embed_cases(parity_fixture):
    """The authors' TransOSS.load_param results, reproduced exactly."""
    cases = parity_fixture['loadparam']
    dims = cases['loadparam_same_grid_src_pos_embed'].shape[-1]
    target = torch.Size([1, 130, dims])
    same, how = adapt_pos_embed(cases['loadparam_same_grid_src_pos_embed'],
                                1, target, 2, (16, 8))
    assert torch.equal(same, cases['loadparam_same_grid_result_pos_embed'])
    assert how == 'CLS position duplicated for the modality-token slot'
    square, how = adapt_pos_embed(
        cases['loadparam_square_grid_src_pos_embed'], 1, target, 2, (16, 8))
    assert torch.allclose(square,
                          cases['loadparam_square_grid_result_pos_embed'],
                          atol=1e-6)
    assert '14x14 grid resized bilinearly to 16x8' in how


def test_timm_backbone_converts_into_paper_model():
    model = tiny_model(modality_token=False)
    source = timm_backbone()
    state, report = convert_checkpoint(source, shapes(model), (16, 8))
    assert report.dropped == {'head.weight': "timm's ImageNet classifier",
                              'head.bias': "timm's ImageNet classifier"}
    assert torch.equal(state['backbone.layers.1.ffn.layers.0.0.weight'],
                       source['blocks.1.mlp.fc1.weight'])
    assert torch.equal(state['backbone.layers.0.ln2.bias'],
                       source['blocks.0.norm2.bias'])
    assert torch.equal(state['backbone.ln1.weight'], source['norm.weight'])
    # No SAR tokenizer in the checkpoint: copied from the optical one.
    assert torch.equal(state['backbone.patch_embed_sar.projection.weight'],
                       source['patch_embed.proj.weight'])
    assert 'copied from the optical' in report.filled[
        'backbone.patch_embed_sar.projection.weight']
    assert state['backbone.pos_embed'].shape == (1, 129, 16)
    # Left at their initial values, and said so.
    assert set(report.missing) >= {'backbone.modality_embed',
                                   'backbone.ship_size_embed.weight',
                                   'neck.shared_proj.weight',
                                   'head.classifier.weight'}
    missing, unexpected = model.load_state_dict(state, strict=False)
    # (torch's BatchNorm tolerates a missing num_batches_tracked.)
    assert set(missing) | {'head.bnneck.num_batches_tracked'} == set(
        report.missing) and not unexpected


def test_unknown_key_and_shape_mismatch_refused():
    model = tiny_model()
    with pytest.raises(KeyError, match='blocks.0.attn.rel_pos'):
        convert_checkpoint(
            timm_backbone(extra={'blocks.0.attn.rel_pos': torch.zeros(3)}),
            shapes(model), (16, 8))
    with pytest.raises(ValueError, match='layers.0.attn.qkv.weight'):
        convert_checkpoint(timm_backbone(dims=16) | {
            'blocks.0.attn.qkv.weight': torch.zeros(16, 16)
        }, shapes(model), (16, 8))
    with pytest.raises(ValueError, match='neither'):
        adapt_pos_embed(torch.zeros(1, 1 + 150, 4), 1,
                        torch.Size([1, 129, 4]), 1, (16, 8))


def test_unwrap_state_dict():
    tensor = torch.zeros(1)
    assert unwrap_state_dict({'model': {'module.a': tensor}}) == {'a': tensor}
    assert unwrap_state_dict({'state_dict': {'b': tensor}}) == {'b': tensor}


def authors_config_for_fixture(fixture: dict):
    """The authors' config, sized like the fixture's model."""
    from mmengine.config import Config
    config = fixture['config']
    cfg = Config.fromfile(REPO /
                          'configs/authors/sdfnet_vitb16_hoss_authors.py')
    cfg.model.backbone.update(
        arch=dict(embed_dims=config['embed_dim'], num_layers=config['depth'],
                  num_heads=config['num_heads'],
                  feedforward_channels=config['mlp_hidden_dim']),
        structure_layer=config['struct_layer_index'])
    cfg.model.neck.update(in_channels=config['embed_dim'],
                          fusion=config['ablation_mode'])
    cfg.model.head.update(in_channels=config['fusion_dim'],
                          num_classes=config['num_classes'])
    return cfg


def test_convert_weights_tool_round_trip(tmp_path, parity_fixture):
    """tools/convert_weights.py on an authors' fine-tuned checkpoint, then
    MMEngine's load_checkpoint into the same config, strictly."""
    from mmengine.runner import load_checkpoint
    src = tmp_path / 'authors.pth'
    torch.save({'model': parity_fixture['state_dict']}, src)
    cfg = authors_config_for_fixture(parity_fixture)
    cfg.dump(tmp_path / 'config.py')
    dst = tmp_path / 'converted.pth'
    args = [sys.executable, str(REPO / 'tools/convert_weights.py'), str(src),
            str(dst), '--config', str(tmp_path / 'config.py')]
    done = subprocess.run(args, capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert 'dropped logit_scale' in done.stdout
    cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    load_checkpoint(model, str(dst), strict=True)
    assert torch.equal(model.head.classifier.weight,
                       parity_fixture['state_dict']['classifier.weight'])
    args[2] = str(tmp_path / 'missing.pth')
    bad = subprocess.run(args, capture_output=True, text=True, cwd=REPO)
    assert bad.returncode == 1 and 'missing.pth' in bad.stderr


def test_timm_backbone_converts_for_pretraining(tmp_path):
    """timm's ImageNet ViT for the pre-training model (the paper recipe's
    start): backbone keys that init_cfg Pretrained loads as they are;
    logit_scale and the modality embedding keep their initial values and
    are reported."""
    from mmengine.config import Config
    cfg = Config.fromfile(
        REPO / 'configs/pretrain/transoss_vit-tiny_synthetic-pair.py')
    cfg.model.backbone.arch = TINY
    model = MODELS.build(cfg.model)
    source = timm_backbone()
    state, report = convert_checkpoint(source, shapes(model),
                                       model.backbone.patch_resolution)
    assert set(report.missing) == {'logit_scale', 'backbone.modality_embed'}
    assert '14x14 grid resized bilinearly to 16x4' in report.filled[
        'backbone.pos_embed']
    path = tmp_path / 'imagenet.pth'
    torch.save(dict(state_dict=state), path)
    cfg.model.backbone.init_cfg = dict(type='Pretrained', checkpoint=str(path),
                                       prefix='backbone.')
    model = MODELS.build(cfg.model)
    model.init_weights()
    assert torch.equal(model.backbone.layers[1].ffn.layers[0][0].weight,
                       source['blocks.1.mlp.fc1.weight'])
    assert torch.equal(model.backbone.patch_embed_sar.projection.weight,
                       source['patch_embed.proj.weight'])
