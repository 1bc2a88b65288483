"""The ViT-B configs' optimizer and schedule, built by MMEngine's Runner,
against the authors' recipe (tests/test_tools/recipe_reference.py): every
trainable parameter's lr, weight decay and momentum at every iteration
of the 100 epochs."""
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper

from recipe_reference import BASE_LR, authors_lr
from sdfnet_mm.registry import PARAM_SCHEDULERS
from sdfnet_mm.utils.schedule_trace import trace_schedule

REPO = Path(__file__).resolve().parents[2]
VITB_CONFIGS = ['configs/sdfnet_vitb16_hoss.py',
                'configs/authors/sdfnet_vitb16_hoss_authors.py']
ITERS = 3  # iterations per epoch (the HOSS samples give 3 batches of 32)


def test_formula_matches_the_published_milestones():
    assert authors_lr(BASE_LR, 1) == pytest.approx(0.208 * BASE_LR)
    assert authors_lr(BASE_LR, 5) == pytest.approx(0.994 * BASE_LR,
                                                    abs=1e-3 * BASE_LR)
    assert authors_lr(2 * BASE_LR, 100) == pytest.approx(0.002 * BASE_LR)


@pytest.fixture(scope='module', params=VITB_CONFIGS)
def trace(request):
    cfg = Config.fromfile(REPO / request.param)
    cfg.model.backbone.init_cfg = None  # nothing to load; never initialised
    return request.param, trace_schedule(cfg, ITERS)


def test_every_trainable_parameter_follows_the_recipe(trace):
    path, trace = trace
    assert trace.left_out == ['head.bnneck.bias'], path  # frozen, no group
    names = [n for group in trace.names for n in group]
    assert len(names) == len(set(names)) == trace.lr.shape[1]
    assert trace.lr.shape[0] == 100 * ITERS
    for group, (name, ) in enumerate(trace.names):  # one tensor per group
        base = 2 * BASE_LR if 'bias' in name else BASE_LR
        expected = torch.tensor([
            authors_lr(base, step // ITERS + 1)
            for step in range(100 * ITERS)
        ], dtype=torch.float64)
        assert torch.allclose(torch.from_numpy(trace.lr[:, group]), expected,
                              rtol=1e-12, atol=0), (path, name)
        assert (trace.weight_decay[:, group] == 1e-4).all(), (path, name)
        assert (trace.momentum[:, group] == 0.9).all(), (path, name)
    # LayerNorm biases are doubled as well (MMEngine's bias_lr_mult skips
    # norm layers); position embedding and tokens get weight decay.
    assert 'backbone.ln1.bias' in names and 'backbone.pos_embed' in names


def test_schedule_resumes_exactly():
    """Stopped after epoch 3 and resumed as MMEngine's Runner does
    (schedulers built, then optimizer and scheduler states loaded): the
    same lr in every later epoch as the uninterrupted run."""
    def build():
        params = [torch.nn.Parameter(torch.zeros(2)) for _ in range(2)]
        optimizer = torch.optim.SGD(
            [dict(params=[params[0]]),
             dict(params=[params[1]], lr=2 * BASE_LR)],
            lr=BASE_LR, momentum=0.9)
        wrapper = OptimWrapper(optimizer)
        scheduler = PARAM_SCHEDULERS.build(
            dict(type='WarmupCosineLR', warmup_lr=0.01 * BASE_LR,
                 min_lr=0.002 * BASE_LR, warmup_epochs=5, end=100),
            default_args=dict(optimizer=wrapper))
        return wrapper, scheduler

    def run(wrapper, scheduler, epochs):
        seen = []
        for _ in range(epochs):
            seen.append(wrapper.get_lr()['lr'])
            wrapper.step()
            scheduler.step()
        return seen

    wrapper, scheduler = build()
    uninterrupted = run(wrapper, scheduler, 10)
    wrapper, scheduler = build()
    first = run(wrapper, scheduler, 3)
    saved = (wrapper.state_dict(), scheduler.state_dict())
    wrapper, scheduler = build()
    wrapper.load_state_dict(saved[0])
    scheduler.load_state_dict(saved[1])
    assert first + run(wrapper, scheduler, 7) == uninterrupted
    assert uninterrupted[0] == [authors_lr(BASE_LR, 1),
                                authors_lr(2 * BASE_LR, 1)]


@pytest.mark.parametrize('kwargs, message', [
    (dict(end=100, by_epoch=False), 'by_epoch must be True'),
    (dict(), 'set end'),
    (dict(end=5), 'warmup_epochs < end - begin'),
])
def test_scheduler_refuses_bad_arguments(kwargs, message):
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    with pytest.raises(ValueError, match=message):
        PARAM_SCHEDULERS.build(
            dict(type='WarmupCosineLR', warmup_lr=0.0, min_lr=0.0,
                 warmup_epochs=5, **kwargs),
            default_args=dict(optimizer=optimizer))
