"""Load a chip as an 8-bit RGB image."""
from typing import Optional

from mmcv.transforms import BaseTransform

from sdfnet_mm.chips import SAR_TO_UINT8, read_chip_rgb
from sdfnet_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadHOSSImage(BaseTransform):
    """Read a chip into ``img`` through :func:`sdfnet_mm.chips.read_chip_rgb`.

    HOSS chips (optical uint8 RGB, SAR float32 amplitude TIFFs) load as
    always; chips of other sensors (TIFF / GeoTIFF of any depth, PNG, JPEG)
    load by the options their data info carries (the inferencer puts them
    there). SAR amplitude becomes 3-channel uint8 by ``sar_to_rgb``
    (``'max'``, the authors'; ``'percentile'``; ``'log'``; see
    :mod:`sdfnet_mm.chips.sar_to_rgb`): the model's conversion, set by the
    config. The output is in RGB channel order.

    Required keys: ``img_path``, ``modality``.
    Optional keys: ``sar_scale`` (``'amplitude'`` / ``'intensity'`` /
    ``'db'``), ``optical_bands`` (R, G, B band indices); see
    :mod:`sdfnet_mm.chips`.
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
                            self.sar_to_rgb, self.low_percentile,
                            sar_scale=results.get('sar_scale'),
                            optical_bands=results.get('optical_bands'))
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(sar_to_rgb={self.sar_to_rgb!r}, '
                f'low_percentile={self.low_percentile})')
