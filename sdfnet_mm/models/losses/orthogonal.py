"""Orthogonality between the shared and the specific features (DFL)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from sdfnet_mm.registry import MODELS


@MODELS.register_module()
class OrthogonalLoss(nn.Module):
    """``L_orth = E |<f_sh / |f_sh|, f_sp / |f_sp|>|`` (SDF-Net, Eq. DFL).

    Args:
        loss_weight (float): ``lambda_orth``. Defaults to 10.0 (the paper).
    """

    def __init__(self, loss_weight: float = 10.0) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, shared: torch.Tensor,
                specific: torch.Tensor) -> torch.Tensor:
        """shared, specific (N, C) -> scalar loss."""
        cosine = (F.normalize(shared, dim=1) *
                  F.normalize(specific, dim=1)).sum(dim=1)
        return self.loss_weight * cosine.abs().mean()
