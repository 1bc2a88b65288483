"""DFL: split the terminal feature into shared and specific parts, fuse."""
from typing import Dict

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from sdfnet_mm.registry import MODELS
from sdfnet_mm.structures import ReIDFeatures


@MODELS.register_module()
class ClassTokenNeck(BaseModule):
    """No disentanglement: the CLS token is the feature (the baseline)."""

    #: Leading tokens this neck reads from the backbone.
    num_tokens = 1

    def __init__(self, in_channels: int, init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.out_channels = in_channels

    def forward(self, tokens: torch.Tensor) -> ReIDFeatures:
        """tokens (B, N, C) -> fused (B, C)."""
        return ReIDFeatures(tokens[:, 0])

    def loss(self, features: ReIDFeatures) -> Dict[str, torch.Tensor]:
        return {}


@MODELS.register_module()
class DisentangleNeck(BaseModule):
    """Disentangled feature learning (SDF-Net, terminal stage).

    Designs (``mode``):

    - ``'linear'`` (the paper): two parallel linear heads on the CLS token,
      ``f_sh = W_sh x + b_sh``, ``f_sp = W_sp x + b_sp``.
    - ``'token'`` (the authors' code): ``f_sh`` is the shared CLS token and
      ``f_sp`` the per-modality token that follows it (build the backbone
      with ``modality_token=True``).

    Fusion (``fusion``): ``'sum'`` ``f_sh + f_sp`` (the paper; parameter-free),
    ``'shared'``, ``'specific'``, ``'concat'`` (2C wide), or ``'gate'``, the
    paper's suggested adaptive extension ``g * f_sh + (1 - g) * f_sp`` with
    ``g = sigmoid(W [f_sh, f_sp] + b)`` per channel.

    The neck owns ``L_orth`` (``loss_orth``, default ``lambda_orth = 10``).
    """

    MODES = ('linear', 'token')
    FUSIONS = ('sum', 'shared', 'specific', 'concat', 'gate')

    def __init__(self,
                 in_channels: int,
                 mode: str = 'linear',
                 fusion: str = 'sum',
                 loss_orth: dict = dict(type='OrthogonalLoss',
                                        loss_weight=10.0),
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if mode not in self.MODES:
            raise ValueError(f'DisentangleNeck: mode {mode!r}, expected one '
                             f'of {self.MODES}')
        if fusion not in self.FUSIONS:
            raise ValueError(f'DisentangleNeck: fusion {fusion!r}, expected '
                             f'one of {self.FUSIONS}')
        self.mode = mode
        self.fusion = fusion
        self.num_tokens = 2 if mode == 'token' else 1
        self.out_channels = 2 * in_channels if fusion == 'concat' \
            else in_channels
        if mode == 'linear':
            self.shared_proj = nn.Linear(in_channels, in_channels)
            self.specific_proj = nn.Linear(in_channels, in_channels)
        if fusion == 'gate':
            self.gate = nn.Linear(2 * in_channels, in_channels)
        self.loss_orth = MODELS.build(loss_orth)

    def forward(self, tokens: torch.Tensor) -> ReIDFeatures:
        """tokens (B, N, C) -> fused (B, C or 2C), f_sh, f_sp (B, C)."""
        if self.mode == 'linear':
            shared = self.shared_proj(tokens[:, 0])
            specific = self.specific_proj(tokens[:, 0])
        else:
            shared, specific = tokens[:, 0], tokens[:, 1]
        return ReIDFeatures(self.fuse(shared, specific), shared, specific)

    def fuse(self, shared: torch.Tensor,
             specific: torch.Tensor) -> torch.Tensor:
        if self.fusion == 'sum':
            return shared + specific
        if self.fusion == 'shared':
            return shared
        if self.fusion == 'specific':
            return specific
        both = torch.cat([shared, specific], dim=1)
        if self.fusion == 'concat':
            return both
        gate = torch.sigmoid(self.gate(both))
        return gate * shared + (1 - gate) * specific

    def loss(self, features: ReIDFeatures) -> Dict[str, torch.Tensor]:
        return dict(
            loss_orth=self.loss_orth(features.shared, features.specific))
