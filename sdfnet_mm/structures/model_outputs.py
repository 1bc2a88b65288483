"""What the backbone and the neck of a ReID model return: small named
structures, so that adding an output does not shift the others."""
from typing import NamedTuple, Optional

import torch


class BackboneOutput(NamedTuple):
    """What :class:`~sdfnet_mm.models.SDFViT` returns.

    tokens: (B, N, C) every token after the final LayerNorm, in the order
        [CLS, modality token (if any), H'*W' patch tokens, ship-size token
        (if any)].
    structure: (B, C) SCL gradient-energy descriptor of block
        ``structure_layer`` (None when SCL is off).
    """
    tokens: torch.Tensor
    structure: Optional[torch.Tensor]


class ReIDFeatures(NamedTuple):
    """What a ReID neck returns.

    fused: (B, C_out) the identity feature the head consumes.
    shared, specific: (B, C) ``f_sh`` and ``f_sp`` (None without DFL).
    """
    fused: torch.Tensor
    shared: Optional[torch.Tensor] = None
    specific: Optional[torch.Tensor] = None
