"""Load a HOSS (or OptiSar_Pair) chip as an 8-bit RGB image."""
from typing import Optional

from mmcv.transforms import BaseTransform

from sdfnet_mm.chips import CHIP_MODES, SAR_TO_UINT8, read_chip_rgb
from sdfnet_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadHOSSImage(BaseTransform):
    """Read an optical (uint8 RGB) or SAR (float32) TIFF into ``img``.

    SAR chips become 3-channel uint8 by ``sar_to_rgb`` (``'max'``, the
    authors'; ``'percentile'``; ``'log'``; see
    :mod:`sdfnet_mm.chips.sar_to_rgb`). The output is in RGB channel order.
    ``chip_format='optisar_pair'`` also accepts 8-bit grey SAR chips (PNG or
    TIFF, replicated to three channels as the authors' loader does).

    Required keys: ``img_path``, ``modality``.
    Added keys: ``img`` (H, W, 3) uint8, ``img_shape``, ``ori_shape``.

    Args:
        sar_to_rgb (str): SAR conversion method. Defaults to ``'max'``.
        low_percentile (float, optional): Lower percentile of the
            ``'percentile'`` / ``'log'`` stretch (defaults 5 / 1).
        chip_format (str): ``'hoss'`` (default) or ``'optisar_pair'``
            (:data:`sdfnet_mm.chips.CHIP_MODES`).
    """

    def __init__(self, sar_to_rgb: str = 'max',
                 low_percentile: Optional[float] = None,
                 chip_format: str = 'hoss') -> None:
        if sar_to_rgb not in SAR_TO_UINT8:
            raise ValueError(f'LoadHOSSImage: unknown sar_to_rgb '
                             f'{sar_to_rgb!r}; expected one of '
                             f'{sorted(SAR_TO_UINT8)}')
        if chip_format not in CHIP_MODES:
            raise ValueError(f'LoadHOSSImage: unknown chip_format '
                             f'{chip_format!r}; expected one of '
                             f'{sorted(CHIP_MODES)}')
        self.sar_to_rgb = sar_to_rgb
        self.low_percentile = low_percentile
        self.chip_format = chip_format

    def transform(self, results: dict) -> dict:
        img = read_chip_rgb(results['img_path'], results['modality'],
                            self.sar_to_rgb, self.low_percentile,
                            self.chip_format)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(sar_to_rgb={self.sar_to_rgb!r}, '
                f'low_percentile={self.low_percentile}, '
                f'chip_format={self.chip_format!r})')
