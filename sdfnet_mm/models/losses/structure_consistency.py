"""Structure consistency between optical and SAR prototypes (SCL)."""
import torch
import torch.nn as nn

from sdfnet_mm.registry import MODELS
from sdfnet_mm.structures import OPTICAL, SAR


@MODELS.register_module()
class StructureConsistencyLoss(nn.Module):
    """``L_struct = mean_i reduce_c (c_i^o - c_i^s)^2`` over identities with
    both modalities in the batch, ``c_i^m`` the mean structure descriptor
    (C,) of identity ``i`` in modality ``m``. Zero (differentiable) when no
    identity has both modalities.

    ``reduce_c`` is the mean over the C channels by default: an MSE, as in
    the authors' code that produced the published numbers. ``'sum'`` reads
    the paper's ``||c_i^o - c_i^s||^2`` literally; it is C times larger
    (768x at ViT-B width) at the same ``lambda_struct``.

    Args:
        channel_reduction (str): ``'mean'`` (default) or ``'sum'``.
        loss_weight (float): ``lambda_struct``. Defaults to 1.0.
    """

    def __init__(self, channel_reduction: str = 'mean',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if channel_reduction not in ('sum', 'mean'):
            raise ValueError("StructureConsistencyLoss: channel_reduction "
                             f"must be 'sum' or 'mean', got {channel_reduction!r}")
        self.channel_reduction = channel_reduction
        self.loss_weight = loss_weight

    def forward(self, descriptors: torch.Tensor, labels: torch.Tensor,
                modality: torch.Tensor) -> torch.Tensor:
        """descriptors (N, C), labels (N,), modality (N,) -> scalar loss."""
        _, identity = torch.unique(labels, return_inverse=True)
        group = identity * 2 + modality  # (identity, modality) pairs
        num_groups = 2 * (int(identity.max()) + 1)
        counts = torch.bincount(group, minlength=num_groups)
        sums = descriptors.new_zeros(num_groups, descriptors.shape[1])
        sums = sums.index_add(0, group, descriptors)
        prototypes = sums / counts.clamp(min=1)[:, None].to(sums.dtype)
        both = (counts[OPTICAL::2] > 0) & (counts[SAR::2] > 0)
        if not both.any():
            return descriptors.sum() * 0
        gap = (prototypes[OPTICAL::2] - prototypes[SAR::2])[both].pow(2)
        per_identity = gap.sum(1) if self.channel_reduction == 'sum' \
            else gap.mean(1)
        return self.loss_weight * per_identity.mean()
