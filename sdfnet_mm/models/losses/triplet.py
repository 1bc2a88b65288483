"""Triplet losses on a batch of identity-labelled features.

Both use Euclidean distances ``sqrt(max(|a|^2 + |b|^2 - 2 a.b, 1e-12))`` and
the soft margin ``log(1 + exp(d_ap - d_an))`` of the authors' code
(TransReID's ``TripletLoss`` with ``NO_MARGIN``). The positive set of an
anchor includes the anchor itself (distance ~0), as in both reference
implementations. Anchors without any negative (a batch of one identity) are
left out; if none remains the loss is a differentiable zero.
"""
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from sdfnet_mm.registry import MODELS


def pairwise_euclidean(features: torch.Tensor) -> torch.Tensor:
    """(N, C) features -> (N, N) Euclidean distances, clamped below at sqrt(1e-12)."""
    squared = features.pow(2).sum(dim=1, keepdim=True)
    gram = features @ features.t()
    return (squared + squared.t() - 2 * gram).clamp(min=1e-12).sqrt()


def identity_masks(labels: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """(N,) labels -> (N, N) positive and negative masks."""
    positive = labels[:, None] == labels[None, :]
    return positive, ~positive


def _soft_margin(dist_ap: torch.Tensor, dist_an: torch.Tensor,
                 valid: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
    """Mean of ``log(1 + exp(d_ap - d_an))`` over the valid anchors."""
    if not valid.any():
        return features.sum() * 0
    gap = dist_an[valid] - dist_ap[valid]
    return F.soft_margin_loss(gap, torch.ones_like(gap))


@MODELS.register_module()
class SoftMarginTripletLoss(nn.Module):
    """Batch-hard triplet loss with soft margin (the authors' choice).

    Per anchor, ``d_ap`` is the largest distance to a same-identity feature
    and ``d_an`` the smallest distance to another identity.

    Args:
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, features: torch.Tensor,
                labels: torch.Tensor) -> torch.Tensor:
        """features (N, C), labels (N,) -> scalar loss."""
        dist = pairwise_euclidean(features)
        positive, negative = identity_masks(labels)
        dist_ap = dist.masked_fill(~positive, float('-inf')).amax(dim=1)
        dist_an = dist.masked_fill(~negative, float('inf')).amin(dim=1)
        loss = _soft_margin(dist_ap, dist_an, negative.any(dim=1), features)
        return self.loss_weight * loss


@MODELS.register_module()
class WeightedTripletLoss(nn.Module):
    """Softmax-weighted triplet loss (the paper's; Ye et al., AGW, TPAMI'21).

    Per anchor, ``d_ap = sum_p softmax_p(d_ap) d_ap`` over its positives
    (hard positives weigh more) and ``d_an = sum_n softmax_n(-d_an) d_an``
    over its negatives (hard negatives weigh more); no margin to tune.

    Args:
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, features: torch.Tensor,
                labels: torch.Tensor) -> torch.Tensor:
        """features (N, C), labels (N,) -> scalar loss."""
        dist = pairwise_euclidean(features)
        positive, negative = identity_masks(labels)
        valid = negative.any(dim=1)
        weight_ap = torch.softmax(
            dist.masked_fill(~positive, float('-inf')), dim=1)
        weight_an = torch.softmax(
            (-dist).masked_fill(~negative, float('-inf')), dim=1)
        dist_ap = (weight_ap * dist).sum(dim=1)
        # Rows without negatives are all -inf (NaN weights); excluded below.
        dist_an = (weight_an.nan_to_num(0.0) * dist).sum(dim=1)
        loss = _soft_margin(dist_ap, dist_an, valid, features)
        return self.loss_weight * loss
