"""Optical pixels of any band count and depth to 8-bit RGB.

Bands:

- 1 band (panchromatic, grey) is replicated to R, G and B;
- with ``bands`` given (``--optical-bands R,G,B``, 0-based), those bands,
  for every chip of 2 or more bands;
- otherwise 3 bands are R, G, B in file order, and 4 or more are taken as
  R, G, B from bands 0-2 only when the file declares it (TIFF photometric
  RGB, e.g. RGB + an extra band). A 4-band chip without that declaration
  is an error: vendors store 4-band products as R,G,B,NIR or B,G,R,NIR
  (PlanetScope, WorldView), so the order must be given.

Depth: 8-bit pixels pass unchanged (HOSS chips stay bit-identical); deeper
integers (uint16, ...) and floats (reflectance) are stretched per band
from their 2nd-98th percentile to 0-255 (clipped, rounded), as GIS viewers
display them; a band whose 2nd and 98th percentiles are equal is stretched
from its minimum to its maximum, a constant band is an error.
"""
from typing import Optional, Sequence, Tuple, Union

import numpy as np

STRETCH_PERCENTILES = (2.0, 98.0)
OpticalBands = Tuple[int, int, int]


def parse_optical_bands(
        value: Union[str, Sequence[int], None]) -> Optional[OpticalBands]:
    """``'2,1,0'`` or ``(2, 1, 0)`` -> ``(2, 1, 0)``; ``None`` stays.

    Raises:
        ValueError: unless three integers >= 0 are given.
    """
    if value is None:
        return None
    items = value.split(',') if isinstance(value, str) else list(value)
    try:
        bands = tuple(int(item) for item in items)
    except (TypeError, ValueError):
        bands = ()
    if len(bands) != 3 or min(bands) < 0:
        raise ValueError(f'optical bands {value!r}; expected three 0-based '
                         'band indices R,G,B, e.g. 2,1,0')
    return bands


def rgb_band_indices(bands: int, rgb_order: bool,
                     chosen: Optional[OpticalBands]) -> OpticalBands:
    """Indices of the R, G, B bands of a chip of ``bands`` bands.

    Raises:
        ValueError: when ``chosen`` needs a band the chip lacks, or the
            order is unknown (see the module docstring).
    """
    if bands == 1:
        return (0, 0, 0)
    if chosen is not None:
        if max(chosen) >= bands:
            raise ValueError(f'optical bands {chosen} but the chip has '
                             f'{bands} bands (indices 0..{bands - 1})')
        return chosen
    if bands == 3 or (bands > 3 and rgb_order):
        return (0, 1, 2)
    raise ValueError(
        f'{bands} optical bands with no declared colour order; give '
        '--optical-bands R,G,B (0-based), e.g. 2,1,0 for B,G,R,NIR '
        '(PlanetScope, WorldView) or 0,1,2 for R,G,B,NIR')


def check_optical_dtype(dtype: np.dtype) -> None:
    """Raise ``ValueError`` unless ``dtype`` is an integer or float type."""
    if np.dtype(dtype).kind not in 'uif':
        raise ValueError(f'optical pixels of type {dtype}; expected integer '
                         'or float values')


def stretch_to_uint8(band: np.ndarray) -> np.ndarray:
    """(H, W) values to uint8 by the 2nd-98th percentile stretch.

    Raises:
        ValueError: for non-finite values or a constant band.
    """
    values = band.astype(np.float64)
    if not np.isfinite(values).all():
        raise ValueError('optical band has NaN or infinite values; expected '
                         'finite values')
    low, high = np.percentile(values, STRETCH_PERCENTILES)
    if high <= low:
        low, high = values.min(), values.max()
    if high <= low:
        raise ValueError(f'optical band is constant ({low:.4g}); no stretch '
                         'is defined')
    scaled = (values - low) / (high - low) * 255
    return np.rint(np.clip(scaled, 0, 255)).astype(np.uint8)


def optical_to_rgb(pixels: np.ndarray,
                   rgb_order: bool,
                   chosen: Optional[OpticalBands] = None) -> np.ndarray:
    """(H, W) or (H, W, bands) optical pixels to (H, W, 3) uint8 RGB.

    Raises:
        ValueError: as :func:`rgb_band_indices`, :func:`stretch_to_uint8`.
    """
    check_optical_dtype(pixels.dtype)
    grey = pixels.ndim == 2
    bands = 1 if grey else pixels.shape[2]
    indices = rgb_band_indices(bands, rgb_order, chosen)
    if grey:
        rgb = np.repeat(pixels[..., None], 3, axis=2)
    elif bands == 3 and indices == (0, 1, 2):
        rgb = pixels
    else:
        rgb = pixels[..., list(indices)]
    if rgb.dtype == np.uint8:
        return rgb
    if grey:
        return np.repeat(stretch_to_uint8(pixels)[..., None], 3, axis=2)
    return np.stack([stretch_to_uint8(rgb[..., i]) for i in range(3)], axis=2)
