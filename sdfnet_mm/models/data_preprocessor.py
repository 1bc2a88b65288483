"""Normalise and batch images; batch modality and ship size alongside."""
from typing import Optional, Sequence

import torch
from mmpretrain.models.utils import ClsDataPreprocessor

from sdfnet_mm.registry import BATCH_AUGMENTS, MODELS

IMAGENET_MEAN = (123.675, 116.28, 103.53)
IMAGENET_STD = (58.395, 57.12, 57.375)


@MODELS.register_module()
class ReIDDataPreprocessor(ClsDataPreprocessor):
    """:class:`ClsDataPreprocessor` that also returns ``modality`` (B,) int64
    and ``ship_size`` (B, 3) float32 (None when the samples carry none, as
    OptiSar_Pair chips), stacked from the data samples.

    Images arrive as RGB uint8 (``LoadHOSSImage``), so ``to_rgb`` is off and
    the ImageNet mean/std are given in RGB order by default.

    Args:
        train_augments (list[dict], optional): Augmentations of the
            normalised (B, 3, H, W) batch, applied in order in training only
            (e.g. :class:`PixelRandomErasing`, which must see normalised
            pixels). Unlike ``batch_augments`` (MMPretrain's Mixup/CutMix)
            they leave the labels as they are.
        **kwargs: ``ClsDataPreprocessor`` arguments.
    """

    def __init__(self,
                 mean=IMAGENET_MEAN,
                 std=IMAGENET_STD,
                 train_augments: Optional[Sequence[dict]] = None,
                 **kwargs):
        super().__init__(mean=mean, std=std, **kwargs)
        self.train_augments = [
            BATCH_AUGMENTS.build(cfg) for cfg in train_augments or ()
        ]

    def forward(self, data: dict, training: bool = False) -> dict:
        """Returns ``dict(inputs, data_samples, modality, ship_size)``."""
        batch = super().forward(data, training)
        samples = batch['data_samples']
        if not samples or not all('modality' in s for s in samples):
            raise KeyError('ReIDDataPreprocessor: data samples need '
                           "'modality' (use PackReIDInputs)")
        if training:
            for augment in self.train_augments:
                batch['inputs'] = augment(batch['inputs'])
        batch['modality'] = torch.stack(
            [sample.modality for sample in samples]).to(self.device)
        with_size = ['ship_size' in sample for sample in samples]
        if any(with_size) and not all(with_size):
            raise KeyError("ReIDDataPreprocessor: 'ship_size' on "
                           f'{sum(with_size)} of {len(samples)} data samples;'
                           ' expected all or none')
        batch['ship_size'] = torch.stack(
            [sample.ship_size for sample in samples]).to(
                self.device) if all(with_size) else None
        return batch
