"""Physical chip size and the ship-size vector of the ship-size token (SSE).

TransOSS (arXiv 2506.22027), which SDF-Net builds on, feeds the raw chip size
in metres to a ``Linear(3, C)`` token. The normalisation constants are those
of the authors' data loader (HOSS ReID mean width 93 m, mean height 427 m);
the metres come from the chip's ground sample distance
(:mod:`.ground_sample_distance`).
"""
from typing import Tuple

from .ground_sample_distance import PixelSpacing

# (x / scale - offset) / spread, per axis, as in the authors' loader.
_WIDTH_SCALE, _WIDTH_OFFSET = 93.0, 0.434
_HEIGHT_SCALE, _HEIGHT_OFFSET = 427.0, 0.461
_SPREAD = 0.031


def chip_size_m(height_px: int, width_px: int,
                spacing: PixelSpacing) -> Tuple[float, float]:
    """Chip (height, width) in metres from its pixel size and GSD."""
    return height_px * spacing.y_m, width_px * spacing.x_m


def ship_size_vector(height_px: int, width_px: int,
                     spacing: PixelSpacing) -> Tuple[float, float, float]:
    """The 3-vector of the ship-size token for a chip of the given size.

    Returns ``((W_m/93 - 0.434)/0.031, (H_m/427 - 0.461)/0.031, H_m/W_m)``
    in Python floats (float64); the packing transform casts it to float32,
    as the authors' collate function does.
    """
    height_m, width_m = chip_size_m(height_px, width_px, spacing)
    return ((width_m / _WIDTH_SCALE - _WIDTH_OFFSET) / _SPREAD,
            (height_m / _HEIGHT_SCALE - _HEIGHT_OFFSET) / _SPREAD,
            height_m / width_m)
