"""BNNeck head: identity losses on the fused feature and its BN output."""
from typing import Dict

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from sdfnet_mm.registry import MODELS


@MODELS.register_module()
class BNNeckHead(BaseModule):
    """BatchNorm1d with a frozen (zero) bias, then a bias-free classifier.

    The triplet loss sees the fused feature before BN, the classification
    loss the logits of the BN output (Luo et al., BNNeck). The test feature
    is the BN output (SDF-Net) or the fused feature before BN (TransOSS).

    Args:
        in_channels (int): Width of the fused feature.
        num_classes (int): Training identities.
        loss_cls (dict): Classification loss; label-smoothed CE (eps 0.1,
            the paper) by default.
        loss_triplet (dict): Metric loss; weighted triplet (the paper).
        test_feature (str): ``'bn'`` or ``'pre_bn'``.
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 loss_cls: dict = dict(type='LabelSmoothLoss',
                                       label_smooth_val=0.1, loss_weight=1.0),
                 loss_triplet: dict = dict(type='TripletLoss',
                                           mining='weighted',
                                           loss_weight=1.0),
                 test_feature: str = 'bn',
                 init_cfg=dict(type='Normal', layer='Linear', std=0.001)
                 ) -> None:
        super().__init__(init_cfg=init_cfg)
        if test_feature not in ('bn', 'pre_bn'):
            raise ValueError("BNNeckHead: test_feature must be 'bn' or "
                             f"'pre_bn', got {test_feature!r}")
        self.num_classes = num_classes
        self.test_feature = test_feature
        self.bnneck = nn.BatchNorm1d(in_channels)
        self.bnneck.bias.requires_grad_(False)
        self.classifier = nn.Linear(in_channels, num_classes, bias=False)
        self.loss_cls = MODELS.build(loss_cls)
        self.loss_triplet = MODELS.build(loss_triplet)

    def forward(self, fused: torch.Tensor) -> torch.Tensor:
        """fused (B, C) -> logits (B, num_classes)."""
        return self.classifier(self.bnneck(fused))

    def test_embedding(self, fused: torch.Tensor) -> torch.Tensor:
        """fused (B, C) -> the (B, C) retrieval feature."""
        return self.bnneck(fused) if self.test_feature == 'bn' else fused

    def loss(self, fused: torch.Tensor,
             labels: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Named losses plus the top-1 training accuracy (a diagnostic)."""
        if labels.min() < 0 or labels.max() >= self.num_classes:
            raise ValueError(
                f'BNNeckHead: training label range [{int(labels.min())}, '
                f'{int(labels.max())}] does not fit num_classes='
                f'{self.num_classes}; set model.head.num_classes to the '
                'number of training identities')
        logits = self(fused)
        accuracy = (logits.argmax(dim=1) == labels).float().mean() * 100
        return dict(
            loss_cls=self.loss_cls(logits, labels),
            loss_triplet=self.loss_triplet(fused, labels),
            accuracy=accuracy.detach())
