"""TransOSS's contrastive pair loss: symmetric InfoNCE between the optical
and the SAR chips of a batch of pairs, over the global batch by option."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import get_world_size
from mmpretrain.models.selfsup.simclr import GatherLayer

from sdfnet_mm.registry import MODELS


class GatherForGlobalLoss(GatherLayer):
    """MMPretrain's :class:`GatherLayer` (all_gather forward; backward keeps
    the gradient of this rank's slice) with that gradient multiplied by the
    world size.

    Every rank computes the same loss over the gathered batch and
    DistributedDataParallel averages the ranks' gradients, so without the
    factor each update would be the single-process update on the global
    batch divided by the world size; with it the two are equal.
    """

    @staticmethod
    def backward(ctx, *grads: torch.Tensor) -> torch.Tensor:
        return GatherLayer.backward(ctx, *grads) * get_world_size()


def gather_global(features: torch.Tensor) -> torch.Tensor:
    """(N, C) per rank -> (world_size * N, C) in rank order, the local rows
    keeping their gradient (see :class:`GatherForGlobalLoss`)."""
    if get_world_size() == 1:
        return features
    return torch.cat(GatherForGlobalLoss.apply(features.contiguous()))


@MODELS.register_module()
class CrossModalContrastiveLoss(nn.Module):
    """CLIP-style pair loss of TransOSS's pre-training (the authors'
    ``loss/contrastive_loss.py`` and ``make_model.py``).

    With L2-normalised features ``o`` (optical) and ``s`` (SAR) of N pairs,
    ``logits = exp(t) * s @ o.T`` (row ``i``: SAR chip ``i`` against every
    optical chip) and the loss is the mean of the cross-entropies over the
    rows and over the columns, the diagonal being the target::

        L = (CE(logits, arange(N)) + CE(logits.T, arange(N))) / 2

    Args:
        gather_distributed (bool): Under torch.distributed, gather the
            features of every process first, so that the loss is the one of
            the global batch (the gradient equals a single process's on that
            batch). False computes each process's loss over its own pairs,
            as the authors' 4-GPU run did. Defaults to False.
        loss_weight (float): Scale of the loss. Defaults to 1.0.
    """

    def __init__(self, gather_distributed: bool = False,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.gather_distributed = gather_distributed
        self.loss_weight = loss_weight

    def logits(self, optical: torch.Tensor, sar: torch.Tensor,
               logit_scale: torch.Tensor) -> torch.Tensor:
        """(N, C) optical and SAR features of N pairs, the scalar ``t`` ->
        (M, M) SAR-to-optical logits (M = N, or the global count when
        gathering), in float32 at least (half-precision features from
        autocast are promoted)."""
        if optical.shape != sar.shape or optical.ndim != 2:
            raise ValueError('CrossModalContrastiveLoss: optical and SAR '
                             'features must be (N, C) of one shape, got '
                             f'{tuple(optical.shape)} and {tuple(sar.shape)}')
        dtype = torch.promote_types(optical.dtype, torch.float32)
        optical = F.normalize(optical.to(dtype), dim=1)
        sar = F.normalize(sar.to(dtype), dim=1)
        if self.gather_distributed:
            optical, sar = gather_global(optical), gather_global(sar)
        return logit_scale.to(dtype).exp() * sar @ optical.t()

    def forward(self, optical: torch.Tensor, sar: torch.Tensor,
                logit_scale: torch.Tensor) -> torch.Tensor:
        """Scalar loss of N pairs (row ``i`` of both is one pair)."""
        logits = self.logits(optical, sar, logit_scale)
        target = torch.arange(len(logits), device=logits.device)
        loss = (F.cross_entropy(logits, target) +
                F.cross_entropy(logits.t(), target)) / 2
        return self.loss_weight * loss

