"""Physical chip size and the ship-size vector of the ship-size token (SSE).

TransOSS (arXiv 2506.22027), which SDF-Net builds on, feeds the raw chip size
in metres to a ``Linear(3, C)`` token. Ground sample distances and the
normalisation constants are those of the authors' data loader (HOSS ReID:
optical 0.75 m/px, SAR 1.0 m/px; mean width 93 m, mean height 427 m).
"""
from typing import Tuple

from sdfnet_mm.structures import OPTICAL, SAR

#: Ground sample distance in metres per pixel, by modality.
GSD_M = {OPTICAL: 0.75, SAR: 1.0}

# (x / scale - offset) / spread, per axis, as in the authors' loader.
_WIDTH_SCALE, _WIDTH_OFFSET = 93.0, 0.434
_HEIGHT_SCALE, _HEIGHT_OFFSET = 427.0, 0.461
_SPREAD = 0.031


def chip_size_m(height_px: int, width_px: int,
                modality: int) -> Tuple[float, float]:
    """Chip (height, width) in metres from its pixel size and modality."""
    gsd = GSD_M[modality]
    return height_px * gsd, width_px * gsd


def ship_size_vector(height_px: int, width_px: int,
                     modality: int) -> Tuple[float, float, float]:
    """The 3-vector of the ship-size token for a chip of the given size.

    Returns ``((W_m/93 - 0.434)/0.031, (H_m/427 - 0.461)/0.031, H_m/W_m)``
    in Python floats (float64); the packing transform casts it to float32,
    as the authors' collate function does.
    """
    height_m, width_m = chip_size_m(height_px, width_px, modality)
    return ((width_m / _WIDTH_SCALE - _WIDTH_OFFSET) / _SPREAD,
            (height_m / _HEIGHT_SCALE - _HEIGHT_OFFSET) / _SPREAD,
            height_m / width_m)
