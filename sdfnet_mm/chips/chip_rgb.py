"""A chip of any supported format as the model's 8-bit RGB input: the one
pixel-loading path of the package (datasets, inferencer, pictures)."""
from typing import Optional, Sequence, Union

import numpy as np

from sdfnet_mm.structures import OPTICAL
from .chip_file import read_chip
from .chip_info import check_sar_layout
from .hoss_format import is_hoss_chip
from .optical_to_rgb import optical_to_rgb, parse_optical_bands
from .sar_scale import detect_sar_scale, sar_scale_rule, to_amplitude
from .sar_to_rgb import sar_to_rgb

#: ``sar_scale`` of 8-bit SAR images already rendered for display (the PNGs
#: of TransOSS's OptiSar_Pair): replicated to RGB as they are, as the
#: authors' loader reads them, without a stretch.
DISPLAY_SAR = 'display'


def display_sar_to_rgb(pixels: np.ndarray) -> np.ndarray:
    """(H, W) uint8 display values -> (H, W, 3) uint8, unchanged."""
    if pixels.dtype != np.uint8 or pixels.ndim != 2:
        raise ValueError(f'display SAR of type {pixels.dtype} and shape '
                         f'{pixels.shape}; expected 8-bit grey (H, W)')
    return np.repeat(pixels[..., None], 3, axis=2)


def read_chip_rgb(
        path: str,
        modality: int,
        sar_method: str = 'max',
        low_percentile: Optional[float] = None,
        sar_scale: Optional[str] = None,
        optical_bands: Union[str, Sequence[int], None] = None) -> np.ndarray:
    """The chip as (H, W, 3) uint8 RGB.

    Optical pixels go through :func:`~.optical_to_rgb.optical_to_rgb`
    (``optical_bands``); SAR pixels are converted from ``sar_scale``
    (declared, else detected: :mod:`.sar_scale`) to amplitude and then by
    ``sar_method`` (see :func:`~.sar_to_rgb.sar_to_rgb`), except 8-bit
    display SAR declared :data:`DISPLAY_SAR`, used as it is. A HOSS chip
    ignores both options, so HOSS chips load bit-identically whatever they
    say.

    Raises:
        ValueError: naming ``path`` when it cannot be decoded or its pixels
            do not fit the modality and options.
    """
    header, pixels = read_chip(path)
    hoss = is_hoss_chip(header, modality)
    try:
        if modality == OPTICAL:
            return optical_to_rgb(
                pixels, header.rgb_order,
                None if hoss else parse_optical_bands(optical_bands))
        check_sar_layout(header)
        if sar_scale == DISPLAY_SAR and not hoss:
            return display_sar_to_rgb(pixels)
        scale = sar_scale_rule(header.dtype, sar_scale, hoss) \
            or detect_sar_scale(pixels)
        return sar_to_rgb(
            to_amplitude(pixels, scale), sar_method, low_percentile)
    except ValueError as err:
        raise ValueError(f'{path}: {err}') from err
