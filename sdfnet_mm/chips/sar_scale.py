"""The scale of SAR pixels (amplitude, intensity or dB) and their conversion
to the amplitude the model was trained on (HOSS: float32 amplitude).

``amplitude = sqrt(intensity) = 10 ** (dB / 20)``. The ``sar_to_rgb``
stretches that follow are invariant to a constant gain, so an uncalibrated
amplitude (digital numbers) or a calibration constant does not matter;
the *kind* of scale does.

The scale of a chip, first rule that applies:

1. a HOSS chip (:mod:`.hoss_format`) is amplitude;
2. a declared scale (``--sar-scale``) is used; amplitude or intensity
   with negative values is an error (clip noise-subtracted values first),
   and integer pixels cannot be declared dB (scaled dB has an unknown
   factor);
3. float pixels whose minimum is negative and reaches at least as far
   below 0 as the maximum above it (``-min >= max``) are dB: amplitudes
   and intensities are >= 0, and ship chips in dB hold sea clutter tens of
   dB below 0 (all 54 HOSS SAR samples in dB: -min / max >= 2.25);
4. anything else is an error asking for ``--sar-scale``: amplitude and
   intensity cannot be told apart from the values (measured on the HOSS
   samples: see the README), nor dB >= 0 (e.g. of digital numbers).
"""
from typing import Optional

import numpy as np

SAR_SCALES = ('amplitude', 'intensity', 'db')


def check_sar_scale(scale: Optional[str],
                    where: str = 'sar_scale') -> Optional[str]:
    """``scale`` in lower case if it is one of :data:`SAR_SCALES` (or
    ``None``).

    Raises:
        ValueError: naming ``where`` otherwise.
    """
    if scale is None:
        return None
    if not isinstance(scale, str) or scale.lower() not in SAR_SCALES:
        raise ValueError(f'{where}: {scale!r}; expected one of '
                         f'{", ".join(SAR_SCALES)}')
    return scale.lower()


def looks_like_db(pixels: np.ndarray) -> bool:
    """Float pixels with ``min < 0`` and ``-min >= max`` (rule 3)."""
    if pixels.dtype.kind != 'f':
        return False
    low, high = float(np.min(pixels)), float(np.max(pixels))
    return low < 0 and -low >= high


def sar_scale_rule(dtype: np.dtype, declared: Optional[str],
                   hoss: bool) -> Optional[str]:
    """The scale rules 1-2 give from the header alone; ``None`` when it
    must be detected from the pixels (:func:`detect_sar_scale`).

    Raises:
        ValueError: for integer pixels declared dB or of no declared scale.
    """
    if hoss:
        return 'amplitude'
    declared = check_sar_scale(declared)
    integer = np.dtype(dtype).kind in 'iu'
    if declared == 'db' and integer:
        raise ValueError(
            f'{dtype} pixels declared dB: integer dB is scaled by an unknown '
            'factor; expected float dB values, or declare amplitude or '
            'intensity')
    if declared is None and integer:
        raise ValueError(
            f'SAR scale unknown ({dtype} pixels); declare it: --sar-scale '
            'amplitude|intensity (ReIDInferencer: sar_scale=...)')
    return declared


def detect_sar_scale(pixels: np.ndarray) -> str:
    """``'db'`` for (H, W) float pixels that :func:`looks_like_db` (rule 3).

    Raises:
        ValueError: for non-finite values, or when the values do not tell
            the scale (rule 4).
    """
    if not np.isfinite(pixels).all():
        raise ValueError('SAR pixels have NaN or infinite values; expected '
                         'finite values (fill or crop no-data first)')
    if looks_like_db(pixels):
        return 'db'
    raise ValueError(
        f'SAR scale unknown ({pixels.dtype}, values {np.min(pixels):.4g} .. '
        f'{np.max(pixels):.4g}): amplitude, intensity and dB cannot be told '
        'apart from these values; declare it: --sar-scale '
        'amplitude|intensity|db (ReIDInferencer: sar_scale=...)')


def to_amplitude(pixels: np.ndarray, scale: str) -> np.ndarray:
    """(H, W) pixels of ``scale`` as float32 amplitude (float32 amplitude
    passes unchanged).

    Raises:
        ValueError: for negative amplitudes or intensities.
    """
    scale = check_sar_scale(scale)
    if scale == 'db':
        return np.power(10.0,
                        pixels.astype(np.float64) / 20).astype(np.float32)
    if pixels.dtype.kind in 'fi' and np.min(pixels) < 0:
        raise ValueError(
            f'{scale} with negative values (min {np.min(pixels):.4g}); '
            f'expected {scale} >= 0: clip noise-subtracted values to 0, or '
            'declare db if the values are dB')
    if scale == 'amplitude':
        return np.asarray(pixels, dtype=np.float32)
    return np.sqrt(pixels.astype(np.float64)).astype(np.float32)
