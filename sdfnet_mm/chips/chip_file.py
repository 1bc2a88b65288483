"""Read a chip: optical uint8 RGB, SAR float32 one band (HOSS TIFFs) or,
in OptiSar_Pair, also 8-bit one-band SAR (PNG or TIFF).

Every failure is a ``ValueError`` naming the file and what was expected.
"""
from typing import Dict, Optional, Tuple

import numpy as np
from PIL import Image

from sdfnet_mm.structures import OPTICAL, SAR
from .sar_to_rgb import sar_to_rgb

#: PIL modes a chip may have, by chip format and modality. HOSS: optical
#: 8-bit RGB, SAR float32 amplitude. OptiSar_Pair (TransOSS pre-training)
#: adds 8-bit grey SAR, which the authors' loader turns into RGB as is.
CHIP_MODES: Dict[str, Dict[int, Tuple[str, ...]]] = {
    'hoss': {OPTICAL: ('RGB', ), SAR: ('F', )},
    'optisar_pair': {OPTICAL: ('RGB', ), SAR: ('F', 'L')},
}
_MODE_WORDS = {'RGB': 'uint8 RGB (3 bands)', 'F': 'float32 (1 band)',
               'L': 'uint8 grey (1 band)'}


def _allowed_modes(modality: int, chip_format: str) -> Tuple[str, ...]:
    if chip_format not in CHIP_MODES:
        raise ValueError(f'unknown chip_format {chip_format!r}; expected one '
                         f'of {sorted(CHIP_MODES)}')
    return CHIP_MODES[chip_format][modality]


def _words(modes: Tuple[str, ...]) -> str:
    return ' or '.join(f'{m!r} ({_MODE_WORDS[m]})' for m in modes)


def read_chip_header(path: str, modality: int,
                     chip_format: str = 'hoss') -> Tuple[int, int]:
    """(height, width) in pixels from the image header, checking its type.

    Raises:
        ValueError: naming ``path`` when it cannot be read or its PIL mode is
            not one of ``CHIP_MODES[chip_format][modality]`` (HOSS: uint8
            RGB optical, float32 single-band SAR).
    """
    try:
        with Image.open(path) as img:
            mode, (width, height) = img.mode, img.size
    except (OSError, SyntaxError) as err:
        raise ValueError(f'{path}: cannot read the image header ({err}); '
                         'expected a TIFF or PNG chip') from err
    modes = _allowed_modes(modality, chip_format)
    if mode not in modes:
        raise ValueError(f'{path}: PIL mode {mode!r}, expected '
                         f'{_words(modes)} for this modality')
    return height, width


def read_chip_rgb(path: str, modality: int, sar_method: str = 'max',
                  low_percentile: Optional[float] = None,
                  chip_format: str = 'hoss') -> np.ndarray:
    """The chip as (H, W, 3) uint8 RGB; float32 SAR converted by
    ``sar_method`` (see :func:`~.sar_to_rgb.sar_to_rgb`), 8-bit grey SAR
    (``chip_format='optisar_pair'``) replicated to three channels.

    Raises:
        ValueError: naming ``path`` when it cannot be decoded, has the
            wrong pixel type or shape, or holds SAR values no stretch fits.
    """
    modes = _allowed_modes(modality, chip_format)
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
    if 'L' in modes and pixels.dtype == np.uint8 and pixels.ndim == 2:
        return np.repeat(pixels[..., None], 3, axis=2)
    if pixels.dtype != np.float32 or pixels.ndim != 2:
        raise ValueError(f'{path}: SAR chip is {pixels.dtype} with shape '
                         f'{pixels.shape}; expected {_words(modes)}')
    try:
        return sar_to_rgb(pixels, sar_method, low_percentile)
    except ValueError as err:
        raise ValueError(f'{path}: {err}') from err
