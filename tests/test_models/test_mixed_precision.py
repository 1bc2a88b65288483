"""SDFNet under bfloat16 autocast: a train step's losses against float32,
and the float32 islands (neck, head, losses, SCL descriptor) really
computing in float32."""
import copy
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample
from torch.overrides import TorchFunctionMode

from sdfnet_mm.engine import CPUAutocastOptimWrapper
from sdfnet_mm.registry import MODELS
from sdfnet_mm.structures import BackboneOutput

REPO = Path(__file__).resolve().parents[2]
PAPER = 'configs/sdfnet_vitb16_hoss.py'
AUTHORS = 'configs/authors/sdfnet_vitb16_hoss_authors.py'
BATCH = 16  # 4 identities x (2 optical + 2 SAR)

#: Relative tolerance of each loss of a bfloat16-autocast step against
#: float32 (same weights, same batch). bfloat16 keeps 8 significant bits
#: (unit roundoff u = 2^-8 = 3.9e-3): the backbone's tokens carry errors of
#: order u, which every loss inherits; the float32 islands add none. Largest
#: gaps measured over 12 seeds of this model and batch (these bounds are
#: 2.5x or more above them): loss_orth 1.3e-2 (a mean |cosine| of two
#: nearly orthogonal features: relative errors grow as it nears 0),
#: loss_triplet 4.0e-3, loss_struct 1.4e-3, loss_cls 3.9e-5 (near log(4)
#: at initialisation). Without the islands loss_triplet reached 1.9e-2
#: and loss_cls 2.0e-3.
TOLERANCE = dict(loss_orth=3e-2, loss_triplet=1e-2, loss_struct=5e-3,
                 loss_cls=2e-4)


def small_sdfnet(config=PAPER, seed=0):
    """A config's SDF-Net (the paper's: DFL, SCL, SSE, weighted triplet,
    label-smoothed CE) with a 2-block 64-wide backbone, no dropout, no
    random erasing."""
    model = Config.fromfile(REPO / config).model
    model.backbone.update(
        arch=dict(embed_dims=64, num_layers=2, num_heads=2,
                  feedforward_channels=128),
        init_cfg=None, drop_path_rate=0.0, drop_rate=0.0, structure_layer=1)
    model.neck.in_channels = model.head.in_channels = 64
    model.head.num_classes = 4
    model.data_preprocessor.train_augments = []
    torch.manual_seed(seed)
    sdfnet = MODELS.build(model)
    sdfnet.init_weights()
    return sdfnet


def raw_batch(seed=0):
    """A data-loader batch: uint8 images, labels, modality, ship size."""
    generator = torch.Generator().manual_seed(seed)
    samples = []
    for i in range(BATCH):
        sample = DataSample().set_gt_label(i // 4)
        sample.set_field(torch.tensor((i // 2) % 2), 'modality')
        sample.set_field(torch.rand(3, generator=generator), 'ship_size')
        samples.append(sample)
    images = [torch.randint(0, 256, (3, 256, 128), generator=generator,
                            dtype=torch.uint8) for _ in range(BATCH)]
    return dict(inputs=images, data_samples=samples)


def loss_inputs(model, seed=0):
    data = model.data_preprocessor(raw_batch(seed), True)
    return data['inputs'], data['data_samples'], data['modality'], \
        data['ship_size']


def test_bf16_train_step_losses_match_fp32():
    """One real train step (data preprocessor, forward, backward, SGD
    update) through the optimizer wrappers the tools build, float32 and
    bfloat16 (CPUAutocastOptimWrapper), from the same weights and batch."""
    fp32_model = small_sdfnet()
    bf16_model = copy.deepcopy(fp32_model)
    logs = {}
    for name, model, wrapper_type in (
            ('fp32', fp32_model, OptimWrapper),
            ('bf16', bf16_model, CPUAutocastOptimWrapper)):
        optimizer = torch.optim.SGD(model.parameters(), lr=1e-3,
                                    momentum=0.9)
        wrapper = wrapper_type(optimizer=optimizer)
        logs[name] = model.train_step(raw_batch(), wrapper)
        assert all(p.dtype == torch.float32 for p in model.parameters())
    assert set(TOLERANCE) < set(logs['fp32'])
    for key, tolerance in TOLERANCE.items():
        fp32, bf16 = (float(logs[run][key].detach())
                      for run in ('fp32', 'bf16'))
        assert abs(bf16 - fp32) <= tolerance * abs(fp32), (key, fp32, bf16)
    # Both steps moved every trained weight alike (SGD, same start).
    start = dict(small_sdfnet().named_parameters())
    for (name, a), b in zip(fp32_model.named_parameters(),
                            bf16_model.parameters()):
        if not a.requires_grad:
            continue
        step32, step16 = (a - start[name]).flatten(), \
            (b - start[name]).flatten()
        cosine = torch.nn.functional.cosine_similarity(step32, step16,
                                                       dim=0)
        assert cosine > 0.999, name  # measured: 0.9998 or more


def test_islands_compute_the_bf16_backbone_losses_in_float32():
    """Under autocast, the losses equal float32 losses computed (autocast
    off) from float32 copies of that run's bfloat16 backbone outputs:
    nothing after the backbone runs in bfloat16. Without the islands the
    DFL projections, the triplet distances and the CE would differ by
    1e-4 to 1e-2."""
    model = small_sdfnet()
    inputs = loss_inputs(model)
    captured = []
    hook = model.backbone.register_forward_hook(
        lambda module, args, output: captured.append(output))
    with torch.no_grad(), torch.autocast('cpu', dtype=torch.bfloat16):
        mixed = model.loss(*inputs)
    hook.remove()
    [output] = captured
    as_float32 = BackboneOutput(output.tokens.float(),
                                output.structure.float())
    hook = model.backbone.register_forward_hook(
        lambda module, args, output: captured.append(output) or as_float32)
    with torch.no_grad():
        reference = model.loss(*inputs)
    hook.remove()
    # Autocast did change the backbone (its linears ran in bfloat16; the
    # residual stream and the final LayerNorm stay float32).
    assert (output.tokens - captured[1].tokens).abs().max() > 1e-3
    for key, value in reference.items():
        assert mixed[key].dtype == torch.float32, key
        torch.testing.assert_close(mixed[key], value, rtol=1e-6, atol=0,
                                   msg=key)


class DtypeRecorder(TorchFunctionMode):
    """Records (function, dtypes of its floating-point tensor arguments,
    CPU autocast on, inside the backbone) of every call of the functions
    in ``watched``."""

    def __init__(self, watched, backbone) -> None:
        super().__init__()
        self.watched = watched
        self.calls = []
        self.in_backbone = False
        backbone.register_forward_pre_hook(
            lambda *_: setattr(self, 'in_backbone', True))
        backbone.register_forward_hook(
            lambda *_: setattr(self, 'in_backbone', False))

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, '__name__', '')
        if name in self.watched:
            dtypes = tuple(a.dtype for a in args
                           if isinstance(a, torch.Tensor)
                           and a.is_floating_point())
            self.calls.append((name, dtypes,
                               torch.is_autocast_enabled('cpu'),
                               self.in_backbone))
        return func(*args, **(kwargs or {}))


# The authors' config: token DFL, batch-hard triplet, plain CE.
@pytest.mark.parametrize('config', [PAPER, AUTHORS])
def test_float32_islands_under_bf16_autocast(config):
    """Every normalisation, softmax, distance and loss after the backbone
    and the SCL descriptor's instance norm see float32 tensors with
    autocast off, while the backbone's linears run under autocast."""
    model = small_sdfnet(config)
    watched = {'linear', 'softmax', 'log_softmax', 'instance_norm',
               'normalize', 'batch_norm', '__matmul__', 'soft_margin_loss',
               'cross_entropy', 'amax', 'amin'}
    recorder = DtypeRecorder(watched, model.backbone)
    inputs = loss_inputs(model)
    with torch.autocast('cpu', dtype=torch.bfloat16), recorder:
        losses = model.loss(*inputs)
        features = model(inputs[0], mode='tensor', modality=inputs[2],
                         ship_size=inputs[3])
    assert features.dtype == torch.float32
    assert all(v.dtype == torch.float32 for v in losses.values())
    calls = recorder.calls
    assert any(name == 'linear' and autocast and inside
               for name, _, autocast, inside in calls)
    islands = [call for call in calls
               if not call[3] or call[0] == 'instance_norm']
    names = {name for name, *_ in islands}
    assert {'linear', 'batch_norm', 'instance_norm', 'soft_margin_loss',
            'normalize'} <= names
    assert names & {'softmax', 'log_softmax', 'cross_entropy'}
    for name, dtypes, autocast, _ in islands:
        assert not autocast and set(dtypes) == {torch.float32}, (
            name, dtypes, autocast)
