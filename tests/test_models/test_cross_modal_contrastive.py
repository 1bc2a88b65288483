"""The pair loss against a hand-computed case, its gradient, and the global
loss from 1 and 2 gloo processes."""
import math

import pytest
import torch
import torch.nn as nn

from gloo_processes import run_in_gloo_group
from sdfnet_mm.models import CrossModalContrastiveLoss

WORLD_SIZE = 2


def test_loss_matches_hand_computed_case():
    """Two pairs; features need normalising; exp(t) = 2.

    logits = 2 * s_hat @ o_hat^T = [[2, 0], [sqrt2, sqrt2]] (rows: SAR).
    Rows, target 0 then 1: log(1 + e^-2), log 2.
    Columns, target 0 then 1: log(1 + e^(sqrt2 - 2)), log(1 + e^-sqrt2).
    """
    optical = torch.tensor([[3.0, 0.0], [0.0, 0.5]])
    sar = torch.tensor([[2.0, 0.0], [1.0, 1.0]])
    scale = torch.tensor(math.log(2.0))
    root2 = math.sqrt(2)
    rows = (math.log(1 + math.exp(-2)) + math.log(2)) / 2
    columns = (math.log(1 + math.exp(root2 - 2)) +
               math.log(1 + math.exp(-root2))) / 2
    loss = CrossModalContrastiveLoss()(optical, sar, scale)
    assert loss.item() == pytest.approx((rows + columns) / 2, abs=1e-6)
    logits = CrossModalContrastiveLoss().logits(optical, sar, scale)
    assert torch.allclose(logits, torch.tensor([[2.0, 0.0], [root2, root2]]))
    weighted = CrossModalContrastiveLoss(loss_weight=0.5)(optical, sar,
                                                          scale)
    assert weighted.item() == pytest.approx(loss.item() / 2)


def test_gradient_and_half_precision():
    torch.manual_seed(0)
    optical = torch.randn(5, 8, dtype=torch.float64, requires_grad=True)
    sar = torch.randn(5, 8, dtype=torch.float64, requires_grad=True)
    scale = torch.tensor(2.6592, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(CrossModalContrastiveLoss(),
                                    (optical, sar, scale))
    half = CrossModalContrastiveLoss()(optical.half(), sar.half(),
                                       scale.half())
    assert half.dtype == torch.float32


def test_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match=r'\(3, 4\) and \(2, 4\)'):
        CrossModalContrastiveLoss()(torch.ones(3, 4), torch.ones(2, 4),
                                    torch.tensor(1.0))


class PairModel(nn.Module):
    """A linear 'backbone' and the temperature, like the pre-training
    model; returns the pair loss of its batch."""

    def __init__(self, gather: bool) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.proj = nn.Linear(6, 4)
        self.logit_scale = nn.Parameter(torch.tensor(2.6592))
        self.loss = CrossModalContrastiveLoss(gather_distributed=gather)

    def forward(self, optical, sar):
        return self.loss(self.proj(optical), self.proj(sar),
                         self.logit_scale)


def global_batch():
    generator = torch.Generator().manual_seed(1)
    return (torch.randn(8, 6, generator=generator),
            torch.randn(8, 6, generator=generator))


def gradients(model):
    return {name: p.grad.clone() for name, p in model.named_parameters()}


def rank_loss_and_gradients(rank, gather):
    """What one rank computes: its 4 of the 8 pairs, DDP averaging the
    ranks' gradients."""
    model = nn.parallel.DistributedDataParallel(PairModel(gather))
    optical, sar = global_batch()
    mine = slice(4 * rank, 4 * rank + 4)
    loss = model(optical[mine], sar[mine])
    loss.backward()
    return loss.item(), gradients(model.module)


def run_two_processes(tmp_path, gather):
    return run_in_gloo_group(rank_loss_and_gradients, (gather, ), WORLD_SIZE,
                             tmp_path)


def test_gathered_loss_and_update_equal_one_process(tmp_path):
    """Two gloo processes with 4 pairs each, features gathered: every rank
    computes the loss of the global batch of 8 pairs, and the averaged
    gradients equal those of one process on that batch."""
    single = PairModel(gather=True)
    loss = single(*global_batch())
    loss.backward()
    expected = gradients(single)
    for rank_loss, grads in run_two_processes(tmp_path, gather=True):
        assert rank_loss == pytest.approx(loss.item(), abs=1e-6)
        for name, grad in expected.items():
            assert torch.allclose(grads[name], grad, atol=1e-6), name


def test_without_gathering_each_rank_has_its_own_loss(tmp_path):
    """The authors' setting: each rank's loss over its own pairs, which is
    not the global batch's."""
    optical, sar = global_batch()
    local = [PairModel(gather=False)(optical[i:i + 4], sar[i:i + 4]).item()
             for i in (0, 4)]
    results = run_two_processes(tmp_path, gather=False)
    for (rank_loss, _), expected in zip(results, local):
        assert rank_loss == pytest.approx(expected, abs=1e-6)
    assert abs(local[0] - PairModel(gather=False)(optical, sar).item()) > 0.01
