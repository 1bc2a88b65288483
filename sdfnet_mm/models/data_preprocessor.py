"""Normalise and batch images; batch modality and ship size alongside."""
import torch
from mmpretrain.models.utils import ClsDataPreprocessor

from sdfnet_mm.registry import MODELS

IMAGENET_MEAN = (123.675, 116.28, 103.53)
IMAGENET_STD = (58.395, 57.12, 57.375)


@MODELS.register_module()
class ReIDDataPreprocessor(ClsDataPreprocessor):
    """:class:`ClsDataPreprocessor` that also returns ``modality`` (B,) int64
    and ``ship_size`` (B, 3) float32, stacked from the data samples.

    Images arrive as RGB uint8 (``LoadHOSSImage``), so ``to_rgb`` is off and
    the ImageNet mean/std are given in RGB order by default.
    """

    def __init__(self, mean=IMAGENET_MEAN, std=IMAGENET_STD, **kwargs):
        super().__init__(mean=mean, std=std, **kwargs)

    def forward(self, data: dict, training: bool = False) -> dict:
        """Returns ``dict(inputs, data_samples, modality, ship_size)``."""
        batch = super().forward(data, training)
        samples = batch['data_samples']
        if not samples or 'modality' not in samples[0] \
                or 'ship_size' not in samples[0]:
            raise KeyError('ReIDDataPreprocessor: data samples need '
                           "'modality' and 'ship_size' (use PackReIDInputs)")
        batch['modality'] = torch.stack(
            [sample.modality for sample in samples]).to(self.device)
        batch['ship_size'] = torch.stack(
            [sample.ship_size for sample in samples]).to(self.device)
        return batch
