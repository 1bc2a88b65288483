"""Triplet loss on a batch of identity-labelled features.

Euclidean distances ``sqrt(max(|a|^2 + |b|^2 - 2 a.b, 1e-12))`` and the soft
margin ``log(1 + exp(d_ap - d_an))`` of the authors' code (TransReID's
``TripletLoss`` with ``NO_MARGIN``). The positive set of an anchor includes
the anchor itself (distance ~0), as in both reference implementations.
Anchors without any negative (a batch of one identity) are left out; if none
remains the loss is a differentiable zero.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from sdfnet_mm.registry import MODELS


def pairwise_euclidean(features: torch.Tensor) -> torch.Tensor:
    """(N, C) features -> (N, N) Euclidean distances, clamped below at
    sqrt(1e-12)."""
    squared = features.pow(2).sum(dim=1, keepdim=True)
    gram = features @ features.t()
    return (squared + squared.t() - 2 * gram).clamp(min=1e-12).sqrt()


@MODELS.register_module()
class TripletLoss(nn.Module):
    """Soft-margin triplet loss with hard or softmax-weighted mining.

    Per anchor, ``d_ap`` and ``d_an`` summarise its distances to the
    positives and to the negatives (``mining``):

    - ``'weighted'`` (the paper's; Ye et al., AGW, TPAMI'21):
      ``d_ap = sum_p softmax_p(d_ap) d_ap`` (hard positives weigh more) and
      ``d_an = sum_n softmax_n(-d_an) d_an`` (hard negatives weigh more);
    - ``'hard'`` (the authors' code, batch-hard): the largest positive and
      the smallest negative distance.

    Args:
        mining (str): ``'weighted'`` or ``'hard'``. Defaults to
            ``'weighted'``.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    MINING = ('weighted', 'hard')

    def __init__(self, mining: str = 'weighted',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if mining not in self.MINING:
            raise ValueError(f'TripletLoss: mining={mining!r}, expected one '
                             f'of {self.MINING}')
        self.mining = mining
        self.loss_weight = loss_weight

    def forward(self, features: torch.Tensor,
                labels: torch.Tensor) -> torch.Tensor:
        """features (N, C), labels (N,) -> scalar loss."""
        dist = pairwise_euclidean(features)
        positive = labels[:, None] == labels[None, :]
        negative = ~positive
        valid = negative.any(dim=1)
        if not valid.any():
            return features.sum() * 0
        if self.mining == 'hard':
            dist_ap = dist.masked_fill(negative, float('-inf')).amax(dim=1)
            dist_an = dist.masked_fill(positive, float('inf')).amin(dim=1)
        else:
            weight_ap = torch.softmax(
                dist.masked_fill(negative, float('-inf')), dim=1)
            weight_an = torch.softmax(
                (-dist).masked_fill(positive, float('-inf')), dim=1)
            dist_ap = (weight_ap * dist).sum(dim=1)
            # Rows without negatives are all -inf (NaN weights); excluded.
            dist_an = (weight_an.nan_to_num(0.0) * dist).sum(dim=1)
        gap = dist_an[valid] - dist_ap[valid]
        return self.loss_weight * F.soft_margin_loss(gap, torch.ones_like(gap))
