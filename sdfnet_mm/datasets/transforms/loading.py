"""Load a HOSS chip as an 8-bit RGB image."""
from typing import Optional

import numpy as np
from mmcv.transforms import BaseTransform
from PIL import Image

from sdfnet_mm.registry import TRANSFORMS
from ..modality import OPTICAL
from .sar_to_rgb import SAR_TO_UINT8, sar_to_rgb


@TRANSFORMS.register_module()
class LoadHOSSImage(BaseTransform):
    """Read an optical (uint8 RGB) or SAR (float32) TIFF into ``img``.

    SAR chips become 3-channel uint8 by ``sar_to_rgb`` (``'max'``, the
    authors'; ``'percentile'``; ``'log'``; see
    :mod:`sdfnet_mm.datasets.transforms.sar_to_rgb`). The output is in RGB
    channel order.

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
        path = results['img_path']
        try:
            with Image.open(path) as pil_img:
                pixels = np.array(pil_img)
        except (OSError, SyntaxError, ValueError) as err:
            raise ValueError(f'{path}: cannot decode the image ({err}); '
                             'expected a readable TIFF chip') from err
        if results['modality'] == OPTICAL:
            if pixels.dtype != np.uint8 or pixels.ndim != 3 \
                    or pixels.shape[2] != 3:
                raise ValueError(
                    f'{path}: optical chip is {pixels.dtype} with shape '
                    f'{pixels.shape}; expected uint8 (H, W, 3) RGB')
            img = pixels
        else:
            if pixels.dtype != np.float32 or pixels.ndim != 2:
                raise ValueError(
                    f'{path}: SAR chip is {pixels.dtype} with shape '
                    f'{pixels.shape}; expected float32 (H, W), one band')
            try:
                img = sar_to_rgb(pixels, self.sar_to_rgb, self.low_percentile)
            except ValueError as err:
                raise ValueError(f'{path}: {err}') from err
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(sar_to_rgb={self.sar_to_rgb!r}, '
                f'low_percentile={self.low_percentile})')
