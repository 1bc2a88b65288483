"""TransOSS's first stage: contrastive pre-training on optical-SAR pairs."""
from typing import Dict, List, Optional, Union

import torch
import torch.nn as nn
from mmpretrain.models.selfsup import BaseSelfSupervisor
from mmpretrain.structures import DataSample

from sdfnet_mm.registry import MODELS
from sdfnet_mm.structures import OPTICAL, SAR
from ..data_preprocessor import ReIDDataPreprocessor

#: ln(1 / 0.07), CLIP's initial temperature, as in the authors' model.
LOGIT_SCALE_INIT = 2.6592


@MODELS.register_module()
class OpticalSARContrastive(BaseSelfSupervisor):
    """Contrastive optical-SAR pre-training of an :class:`SDFViT` (TransOSS,
    ICCV 2025; the authors' ``train_pair.py``).

    A batch holds N optical chips followed by their N SAR partners
    (:class:`~sdfnet_mm.datasets.OptiSARPairSampler`); each chip goes
    through its modality's tokenizer (and the modality embedding), and the
    CLS token after the final norm is its feature. ``contrastive_loss``
    (:class:`CrossModalContrastiveLoss`) pulls each pair together against
    the other pairs with the learnable temperature ``logit_scale`` (``t``,
    logits scaled by ``exp(t)``; the authors' key and initial value).

    The checkpoint's ``backbone.*`` tensors are an SDF-Net backbone: load
    them with ``init_cfg=dict(type='Pretrained', checkpoint=...,
    prefix='backbone.')`` (no conversion; ``logit_scale`` is left out and
    the log says so).

    Args:
        backbone (dict): An ``SDFViT`` without SCL (``structure_layer=None``)
            and without the ship-size token (the pairs are not ship chips).
        loss (dict): The pair loss. Defaults to
            ``CrossModalContrastiveLoss``.
        logit_scale_init (float): Initial ``t``. Defaults to 2.6592.
        data_preprocessor (dict, optional): Defaults to
            :class:`ReIDDataPreprocessor` (ImageNet mean/std, modality).
        init_cfg (dict, optional): Initialisation of the whole model.
    """

    def __init__(self,
                 backbone: dict,
                 loss: dict = dict(type='CrossModalContrastiveLoss'),
                 logit_scale_init: float = LOGIT_SCALE_INIT,
                 data_preprocessor: Optional[Union[dict, nn.Module]] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type=ReIDDataPreprocessor)
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(backbone=MODELS.build(backbone),
                         data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        for option, what in (('structure_layer', 'SCL'),
                             ('ship_size_embed', 'the ship-size token')):
            if getattr(self.backbone, option, None) is not None:
                raise ValueError(
                    f'OpticalSARContrastive: the backbone has {what}; '
                    'pre-training uses neither (set structure_layer=None, '
                    'ship_size_token=False)')
        self.contrastive_loss = MODELS.build(loss)
        self.logit_scale = nn.Parameter(torch.tensor(float(logit_scale_init)))

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor',
                modality: Optional[torch.Tensor] = None,
                ship_size: Optional[torch.Tensor] = None):
        """inputs (B, 3, H, W), modality (B,); ``ship_size`` is unused."""
        if modality is None:
            raise ValueError('OpticalSARContrastive: modality (B,) is '
                             'required (0 optical, 1 SAR); '
                             'ReIDDataPreprocessor provides it')
        if mode == 'tensor':
            return self.extract_feat(inputs, modality)
        if mode == 'loss':
            return self.loss(inputs, data_samples, modality)
        raise ValueError(f'OpticalSARContrastive: invalid mode {mode!r}; '
                         "expected 'loss' or 'tensor'")

    def extract_feat(self, inputs: torch.Tensor,
                     modality: torch.Tensor) -> torch.Tensor:
        """(B, C) CLS features (before L2 normalisation)."""
        return self.backbone(inputs, modality).tokens[:, 0]

    @staticmethod
    def check_batch(modality: torch.Tensor,
                    data_samples: List[DataSample]) -> None:
        """Raise unless the batch is N optical chips, then their N SAR
        partners in the same order, with N distinct pair ids."""
        labels = torch.cat([sample.gt_label for sample in data_samples])
        half = len(labels) // 2
        layout = torch.tensor([OPTICAL] * half + [SAR] * half,
                              device=modality.device)
        if len(labels) % 2 or half == 0 or not torch.equal(
                modality.long(), layout) or not torch.equal(
                    labels[:half], labels[half:]) or len(
                        labels[:half].unique()) != half:
            raise ValueError(
                'OpticalSARContrastive: a batch must be N optical chips '
                'followed by their N SAR partners (pair ids equal row by '
                'row, distinct within the half); got modalities '
                f'{modality.tolist()} and pair ids {labels.tolist()}. Use '
                'OptiSARPairSampler with batch_size = 2 * num_pairs')

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             modality: torch.Tensor) -> Dict[str, torch.Tensor]:
        """``loss`` (the pair loss), the temperature ``logit_scale`` (t)
        and ``pair_accuracy`` (%, top-1 of the process's own pairs, both
        directions averaged)."""
        self.check_batch(modality, data_samples)
        features = self.extract_feat(inputs, modality)
        optical, sar = features.chunk(2)
        loss = self.contrastive_loss(optical, sar, self.logit_scale)
        with torch.no_grad():
            local = nn.functional.normalize(sar.float(), dim=1) @ \
                nn.functional.normalize(optical.float(), dim=1).t()
            target = torch.arange(len(local), device=local.device)
            accuracy = ((local.argmax(1) == target).float().mean() +
                        (local.argmax(0) == target).float().mean()) * 50
        return dict(loss=loss, logit_scale=self.logit_scale.detach(),
                    pair_accuracy=accuracy)
