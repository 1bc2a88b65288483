"""Parity with the authors' implementation on a stored fixture.

The fixture (``SDFNET_PARITY_FIXTURE``, default ``fixture_A.pt``) holds a
small SDF-Net built with the authors' code: its state dict (authors' key
names), inputs and every output. It is converted through the project's own
converter, loaded into the project's model built from the fixture's config,
and every output is compared. Nothing here is specific to fixture A.
"""

import pytest
import torch
from mmpretrain.structures import DataSample

from sdfnet_mm.converters import convert_checkpoint
from sdfnet_mm.registry import MODELS

# float32 tolerances: the fused scaled-dot-product attention kernel reorders
# sums, so 1e-4 applies to what passes through attention; float64 1e-10.
ATOL32, RTOL32 = 1e-4, 1e-4
ATOL64 = 1e-10


def authors_model_cfg(config: dict) -> dict:
    """The project's model config equivalent to the fixture's options."""
    dims = config['embed_dim']
    return dict(
        type='SDFNet',
        backbone=dict(
            type='SDFViT',
            arch=dict(embed_dims=dims, num_layers=config['depth'],
                      num_heads=config['num_heads'],
                      feedforward_channels=config['mlp_hidden_dim']),
            img_size=tuple(config['img_size']),
            patch_size=config['patch_size'],
            qkv_bias=config['qkv_bias'],
            drop_rate=config['drop_rate'],
            drop_path_rate=config['drop_path_rate'],
            norm_cfg=dict(type='LN', eps=config['layernorm_eps']),
            modality_embed_coef=config['mie_coe'] if config['mie'] else None,
            ship_size_token=config['sse'],
            modality_token=config['disentangle'],
            structure_layer=config['struct_layer_index'],
            structure_difference='forward',
            structure_eps=config['instance_norm_eps']),
        neck=dict(
            type='DisentangleNeck', in_channels=dims, mode='token',
            fusion=config['ablation_mode'],
            loss_orth=dict(type='OrthogonalLoss',
                           loss_weight=config['orth_loss_weight'])),
        head=dict(
            type='BNNeckHead', in_channels=config['fusion_dim'],
            num_classes=config['num_classes'],
            loss_cls=dict(type='CrossEntropyLoss',
                          loss_weight=config['id_loss_weight']),
            loss_triplet=dict(type='TripletLoss', mining='hard',
                              loss_weight=config['triplet_loss_weight'])),
        structure_loss=dict(type='StructureConsistencyLoss',
                            channel_reduction='mean',
                            loss_weight=config['struct_loss_weight']))


def build_converted(fixture: dict, dtype=torch.float32):
    model = MODELS.build(authors_model_cfg(fixture['config']))
    target = {k: v.shape for k, v in model.state_dict().items()}
    state, report = convert_checkpoint(fixture['state_dict'], target,
                                       model.backbone.patch_resolution)
    model.load_state_dict(state, strict=True)
    return model.to(dtype), report


def run_inputs(fixture: dict, dtype):
    inputs = fixture['inputs']
    return dict(
        inputs=inputs['images'].to(dtype),
        modality=inputs['modality'],
        ship_size=inputs['img_wh'].to(dtype))


def samples_of(fixture: dict):
    return [DataSample().set_gt_label(int(label))
            for label in fixture['inputs']['labels']]


def assert_close(ours, expected, atol, rtol=0.0, name=''):
    ours = ours.detach().to(expected.dtype)
    diff = (ours - expected).abs().max().item()
    assert torch.allclose(ours, expected, atol=atol, rtol=rtol), \
        f'{name}: max abs diff {diff:.3g}'


def test_conversion_report(parity_fixture):
    model, report = build_converted(parity_fixture)
    assert report.missing == []  # every model tensor comes from the fixture
    assert set(report.dropped) == {
        'fc.weight', 'fc.bias', 'logit_scale', 'bottleneck.weight',
        'bottleneck.bias', 'bottleneck.running_mean',
        'bottleneck.running_var', 'bottleneck.num_batches_tracked'}
    assert report.filled == {}


@pytest.mark.parametrize('dtype, key, atol, rtol', [
    (torch.float32, 'outputs', ATOL32, RTOL32),
    (torch.float64, 'outputs_f64', ATOL64, 0.0),
])
def test_eval_outputs(parity_fixture, dtype, key, atol, rtol):
    model, _ = build_converted(parity_fixture, dtype)
    expected = parity_fixture[key]['eval']
    model.eval()
    with torch.no_grad():
        data = run_inputs(parity_fixture, dtype)
        backbone_out, features = model.extract_feat(
            data['inputs'], data['modality'], data['ship_size'])
        feat = model(**data, mode='tensor')
    assert_close(feat, expected['feat'], atol, rtol, 'feat')
    assert_close(features.shared, expected['f_shared'], atol, rtol, 'f_sh')
    assert_close(features.specific, expected['f_specific'], atol, rtol,
                 'f_sp')
    assert_close(backbone_out.structure, expected['f_struct'], atol, rtol,
                 'f_struct')
    assert_close(features.fused, expected['feat_fuse_preBN'], atol, rtol,
                 'fused')
    if 'dbg_final_norm_out' in expected:  # float32 pass only
        assert_close(backbone_out.tokens, expected['dbg_final_norm_out'],
                     atol, rtol, 'tokens')
        first_tokens, _ = model.backbone.embed(
            data['inputs'], data['modality'], data['ship_size'])
        assert_close(first_tokens, expected['dbg_tokens_in'], atol, rtol,
                     'tokens into block 0')


@pytest.mark.parametrize('dtype, key, atol, rtol', [
    (torch.float32, 'outputs', ATOL32, RTOL32),
    (torch.float64, 'outputs_f64', ATOL64, 0.0),
])
def test_train_outputs_and_losses(parity_fixture, dtype, key, atol, rtol):
    model, _ = build_converted(parity_fixture, dtype)
    expected = parity_fixture[key]
    model.train()
    data = run_inputs(parity_fixture, dtype)
    labels = parity_fixture['inputs']['labels']
    _, features = model.extract_feat(data['inputs'], data['modality'],
                                     data['ship_size'])
    train = expected['train']
    assert_close(model.head(features.fused), train['logits'], atol, rtol,
                 'logits')
    bnneck = model.head.bnneck
    assert_close(bnneck.running_mean,
                 train['bottleneck_fuse_running_mean_after'], atol, rtol,
                 'running_mean')
    assert_close(bnneck.running_var,
                 train['bottleneck_fuse_running_var_after'], atol, rtol,
                 'running_var')
    assert torch.equal(bnneck.num_batches_tracked,
                       train['bottleneck_fuse_num_batches_tracked_after'])

    model, _ = build_converted(parity_fixture, dtype)
    model.train()
    losses = model(**data, data_samples=samples_of(parity_fixture),
                   mode='loss')
    reference = expected['losses']
    assert_close(losses['loss_cls'], reference['loss_ce'], atol, rtol)
    assert_close(losses['loss_triplet'], reference['loss_triplet_soft'], atol,
                 rtol)
    assert_close(losses['loss_orth'], reference['loss_orth_weighted'], atol,
                 rtol)
    assert_close(losses['loss_struct'], reference['loss_struct_weighted'],
                 atol, rtol)
    total = sum(v for k, v in losses.items() if 'loss' in k)
    assert_close(total, reference['loss_total'], atol, rtol, 'loss_total')
    assert labels.numel() == data['inputs'].shape[0]


def test_gradients(parity_fixture):
    model, _ = build_converted(parity_fixture)
    model.train()
    losses = model(**run_inputs(parity_fixture, torch.float32),
                   data_samples=samples_of(parity_fixture), mode='loss')
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    params = dict(model.named_parameters())
    target = {k: v.shape for k, v in model.state_dict().items()}
    # The stored gradients carry the authors' names: map them with the same
    # converter as the weights.
    expected, _ = convert_checkpoint(parity_fixture['outputs']['grads'],
                                     target, model.backbone.patch_resolution)
    assert len(expected) == 11  # spe rgb+sar stacked into one tensor
    for name, grad in expected.items():
        ours = params[name].grad
        scale = grad.abs().max().item()
        assert_close(ours, grad, atol=1e-5 * max(scale, 1.0), rtol=1e-4,
                     name=name)


def test_paper_defaults_run_on_fixture_inputs(parity_fixture):
    """The paper's options (linear DFL heads, central differences, weighted
    triplet, label smoothing, squared-L2 structure loss) on the same code
    path: the authors' weights load (the linear heads stay at init, the
    modality-token slot is dropped, all reported) and a train step runs."""
    cfg = authors_model_cfg(parity_fixture['config'])
    cfg['backbone'].update(modality_token=False,
                           structure_difference='central')
    cfg['neck'].update(mode='linear')
    cfg['head'].update(
        loss_cls=dict(type='LabelSmoothLoss', label_smooth_val=0.1),
        loss_triplet=dict(type='TripletLoss', mining='weighted'))
    cfg['structure_loss'].update(channel_reduction='sum')
    model = MODELS.build(cfg)
    model.init_weights()
    target = {k: v.shape for k, v in model.state_dict().items()}
    state, report = convert_checkpoint(parity_fixture['state_dict'], target,
                                       model.backbone.patch_resolution)
    assert sorted(report.missing) == [
        'neck.shared_proj.bias', 'neck.shared_proj.weight',
        'neck.specific_proj.bias', 'neck.specific_proj.weight']
    assert 'modality-token slot dropped' in report.filled['backbone.pos_embed']
    assert 'cls_token_spe_rgb/sar' in report.dropped
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert sorted(missing) == sorted(report.missing) and not unexpected
    pos = parity_fixture['state_dict']['base.pos_embed']
    assert torch.equal(model.backbone.pos_embed,
                       torch.cat([pos[:, :1], pos[:, 2:]], dim=1))
    model.train()
    losses = model(**run_inputs(parity_fixture, torch.float32),
                   data_samples=samples_of(parity_fixture), mode='loss')
    assert set(losses) == {'loss_cls', 'loss_triplet', 'loss_orth',
                           'loss_struct', 'accuracy'}
    total = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(total)
    total.backward()
    assert model.neck.shared_proj.weight.grad.abs().sum() > 0
    assert model.backbone.patch_embed_sar.projection.weight.grad.abs().sum(
    ) > 0
