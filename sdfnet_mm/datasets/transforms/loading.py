"""Load a HOSS chip as an 8-bit RGB image."""
from typing import Optional

from mmcv.transforms import BaseTransform

from sdfnet_mm.chips import SAR_TO_UINT8, read_chip_rgb
from sdfnet_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadHOSSImage(BaseTransform):
    """Read an optical (uint8 RGB) or SAR (float32) TIFF into ``img``.

    SAR chips become 3-channel uint8 by ``sar_to_rgb`` (``'max'``, the
    authors'; ``'percentile'``; ``'log'``; see
    :mod:`sdfnet_mm.chips.sar_to_rgb`). The output is in RGB channel order.

    Required keys: ``img_path``, ``modality``.
    Added keys: ``img`` (H, W, 3) uint8, ``img_shape``, ``ori_shape``.

    Args:
        sar_to_rgb (str): SAR conversion method. Defaults to ``'max'``.
        low_percentile (float, optional): Lower percentile of the
            ``'percentile'`` / ``'log'`` stretch (defaults 5 / 1).
    """

    def __init__(self, sar_to_rgb: str = 'max',
                 low_percentile: Optional[float] = None) -> None:
        if sar_to_rgb not in SAR_TO_UINT8:
            raise ValueError(f'LoadHOSSImage: unknown sar_to_rgb '
                             f'{sar_to_rgb!r}; expected one of '
                             f'{sorted(SAR_TO_UINT8)}')
        self.sar_to_rgb = sar_to_rgb
        self.low_percentile = low_percentile

    def transform(self, results: dict) -> dict:
        img = read_chip_rgb(results['img_path'], results['modality'],
                            self.sar_to_rgb, self.low_percentile)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(sar_to_rgb={self.sar_to_rgb!r}, '
                f'low_percentile={self.low_percentile})')
