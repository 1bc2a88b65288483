"""SAR float32 amplitude to an 8-bit, 3-channel image.

Methods, chosen by name in :class:`LoadHOSSImage`:

- ``'max'`` (the authors' ``sar32bit2RGB``): ``floor(x / max(x) * 255)`` in
  float32, the grey value replicated to three channels.
- ``'percentile'`` (MOS): ``clip((x - P_low) / (max - P_low) * 255, 0, 255)``
  with ``P_low`` the ``low_percentile``-th percentile (default 5).
- ``'log'``: the same stretch on the dB amplitude ``20 log10(x)``, which
  tames SAR's heavy tail (default ``low_percentile`` 1).
"""
from typing import Callable, Dict, Optional

import numpy as np

DEFAULT_LOW_PERCENTILE = {'max': None, 'percentile': 5.0, 'log': 1.0}


def _stretch(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Map [low, high] linearly to [0, 255] (clipped), truncate to uint8."""
    scaled = (values - low) / (high - low) * 255
    return np.clip(scaled, 0, 255).astype(np.uint8)


def sar_max(amplitude: np.ndarray, low_percentile: Optional[float]) -> np.ndarray:
    """Authors' conversion, bit for bit: ``(x / x.max() * 255).astype(u8)``."""
    return (amplitude / amplitude.max() * 255).astype(np.uint8)


def sar_percentile(amplitude: np.ndarray, low_percentile: float) -> np.ndarray:
    """Percentile stretch between ``P_low`` and the maximum."""
    low = np.percentile(amplitude, low_percentile)
    return _stretch(amplitude, low, amplitude.max())


def sar_log(amplitude: np.ndarray, low_percentile: float) -> np.ndarray:
    """dB stretch; zero amplitudes take the smallest positive value's dB."""
    floor = amplitude[amplitude > 0].min()
    decibel = 20 * np.log10(np.maximum(amplitude, floor))
    low = np.percentile(decibel, low_percentile)
    return _stretch(decibel, low, decibel.max())


SAR_TO_UINT8: Dict[str, Callable] = {
    'max': sar_max,
    'percentile': sar_percentile,
    'log': sar_log,
}


def sar_to_rgb(amplitude: np.ndarray,
               method: str = 'max',
               low_percentile: Optional[float] = None) -> np.ndarray:
    """Convert a (H, W) float32 SAR chip to (H, W, 3) uint8.

    Raises:
        ValueError: when the chip has non-finite or negative values, or is
            constant, so that no stretch is defined.
    """
    if method not in SAR_TO_UINT8:
        raise ValueError(f'unknown SAR conversion {method!r}; expected one '
                         f'of {sorted(SAR_TO_UINT8)}')
    amplitude = np.asarray(amplitude, dtype=np.float32)
    if not np.isfinite(amplitude).all():
        raise ValueError('SAR amplitude has NaN or infinite values')
    if amplitude.min() < 0:
        raise ValueError(f'SAR amplitude has negative values (min '
                         f'{amplitude.min():.4g}); expected amplitudes >= 0')
    if amplitude.max() <= 0 or amplitude.max() == amplitude.min():
        raise ValueError('SAR chip is constant; expected varying amplitudes')
    if low_percentile is None:
        low_percentile = DEFAULT_LOW_PERCENTILE[method]
    grey = SAR_TO_UINT8[method](amplitude, low_percentile)
    return np.repeat(grey[..., None], 3, axis=2)
