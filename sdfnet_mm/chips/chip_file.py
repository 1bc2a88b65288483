"""Read a HOSS chip: optical uint8 RGB TIFF, SAR float32 one-band TIFF.

Every failure is a ``ValueError`` naming the file and what was expected.
"""
from typing import Optional, Tuple

import numpy as np
from PIL import Image

from sdfnet_mm.structures import OPTICAL
from .sar_to_rgb import sar_to_rgb


def _expected(modality: int) -> Tuple[str, str]:
    """(PIL mode, words) a chip of ``modality`` must have."""
    if modality == OPTICAL:
        return 'RGB', 'uint8 RGB (3 bands)'
    return 'F', 'float32 (1 band)'


def read_chip_header(path: str, modality: int) -> Tuple[int, int]:
    """(height, width) in pixels from the TIFF header, checking its type.

    Raises:
        ValueError: naming ``path`` when it cannot be read or its pixel type
            is not uint8 RGB (optical) / float32 single band (SAR).
    """
    try:
        with Image.open(path) as img:
            mode, (width, height) = img.mode, img.size
    except (OSError, SyntaxError) as err:
        raise ValueError(f'{path}: cannot read the image header ({err}); '
                         'expected a TIFF chip') from err
    expected, words = _expected(modality)
    if mode != expected:
        raise ValueError(f'{path}: PIL mode {mode!r}, expected {expected!r} '
                         f'({words}) for this modality')
    return height, width


def read_chip_rgb(path: str, modality: int, sar_method: str = 'max',
                  low_percentile: Optional[float] = None) -> np.ndarray:
    """The chip as (H, W, 3) uint8 RGB; SAR converted by ``sar_method``
    (see :func:`~.sar_to_rgb.sar_to_rgb`).

    Raises:
        ValueError: naming ``path`` when it cannot be decoded, has the
            wrong pixel type or shape, or holds SAR values no stretch fits.
    """
    try:
        with Image.open(path) as pil_img:
            pixels = np.array(pil_img)
    except (OSError, SyntaxError, ValueError) as err:
        raise ValueError(f'{path}: cannot decode the image ({err}); '
                         'expected a readable TIFF chip') from err
    if modality == OPTICAL:
        if pixels.dtype != np.uint8 or pixels.ndim != 3 \
                or pixels.shape[2] != 3:
            raise ValueError(
                f'{path}: optical chip is {pixels.dtype} with shape '
                f'{pixels.shape}; expected uint8 (H, W, 3) RGB')
        return pixels
    if pixels.dtype != np.float32 or pixels.ndim != 2:
        raise ValueError(f'{path}: SAR chip is {pixels.dtype} with shape '
                         f'{pixels.shape}; expected float32 (H, W), one band')
    try:
        return sar_to_rgb(pixels, sar_method, low_percentile)
    except ValueError as err:
        raise ValueError(f'{path}: {err}') from err
