"""Chip geometry: where the ship lies in its tight vertical chip.

A HOSS chip is cut around the ship and rotated so that the keel is
vertical, bow up or down. Chips of one satellite pass (an
:class:`Acquisition`) share the ship's heading, hence the bow direction,
the residual tilt and, for SAR, the look direction and incidence; in HOSS
the two optical chips of a ship are often such a pair. Each chip then has
its own scale error (pixel size = ground sample distance, optical 0.75
m/px, SAR 1.0 m/px, up to a few per cent) and loose, uneven crop margins.
"""
from dataclasses import dataclass
from typing import Tuple

import numpy as np

from sdfnet_mm.chips import GSD_M
from sdfnet_mm.structures import OPTICAL, SAR
from .ship_model import ShipModel

#: Chip size limits (pixels) of the real HOSS chips (``MANIFEST.tsv``).
CHIP_HEIGHT = (50, 513)
CHIP_WIDTH = (14, 101)
MAX_TILT_DEG = 4.0
#: Crop margin per side, by modality: (across, along) as a fraction of the
#: ship's (beam, length) in pixels, drawn uniformly. SAR chips are cut a
#: little wider (HOSS: about 10 % in beam), around the blurred returns.
MARGIN = {OPTICAL: ((0.0, 0.1), (0.0, 0.04)), SAR: ((0.04, 0.2), (0.01, 0.05))}


@dataclass(frozen=True)
class Acquisition:
    """Geometry of one pass over the ship, shared by its chips.

    ``tilt`` (radians) is the keel's residual angle from vertical;
    ``look_angle`` (radians) the direction towards the radar in the chip
    (column, row) plane; ``incidence`` (radians) the radar's angle from
    vertical. Optical chips use only the first three fields.
    """
    bow_up: bool
    tilt: float
    look_angle: float
    incidence: float


def sample_acquisition(rng: np.random.Generator) -> Acquisition:
    """Draw a pass: ship heading (bow up/down, tilt) and radar look."""
    return Acquisition(
        bow_up=bool(rng.random() < 0.5),
        tilt=float(np.deg2rad(rng.uniform(-MAX_TILT_DEG, MAX_TILT_DEG))),
        look_angle=float(rng.uniform(0, 2 * np.pi)),
        incidence=float(np.deg2rad(rng.uniform(30, 50))))


@dataclass(frozen=True)
class ChipPose:
    """Ship frame (metres) to chip pixels: ``[col, row] = A @ [x, y] + t``.

    ``matrix`` is the (2, 3) affine ``[A | t]``; ``size`` is (H, W) pixels;
    ``px_per_m`` the scale, including the per-chip scale error;
    ``modality`` the one whose ground sample distance sets the scale;
    ``acquisition`` the pass the chip comes from.
    """
    matrix: np.ndarray
    size: Tuple[int, int]
    px_per_m: float
    modality: int
    acquisition: Acquisition

    def to_pixels(self, points: np.ndarray, oversample: float = 1.0,
                  offset: float = 0.0) -> np.ndarray:
        """Map (N, 2) ship-frame metres to (N, 2) (col, row) pixel centres.

        The affine gives edge coordinates (0 = the chip's left/top edge);
        ``offset`` chip pixels are added for padding, then ``oversample``
        scales to a finer canvas whose pixel centres are at integers.
        """
        edges = points @ self.matrix[:, :2].T + self.matrix[:, 2] + offset
        return edges * oversample - 0.5


def sample_pose(ship: ShipModel, modality: int, acquisition: Acquisition,
                rng: np.random.Generator) -> ChipPose:
    """Place the ship in one chip of ``acquisition``: scale and margins."""
    if modality not in GSD_M:
        raise ValueError(f'sample_pose: modality {modality!r}; expected '
                         f'{OPTICAL} (optical) or {SAR} (SAR)')
    px_per_m = np.exp(rng.normal(0.0, 0.025)) / GSD_M[modality]
    cos, sin = np.cos(acquisition.tilt), np.sin(acquisition.tilt)
    # Bow up: ship +y goes to row -y; bow down turns the ship by 180 degrees.
    flip = np.diag([1.0, -1.0]) if acquisition.bow_up else np.diag([-1., 1.])
    linear = px_per_m * np.array([[cos, -sin], [sin, cos]]) @ flip
    hull = ship.outline() @ linear.T
    low, high = hull.min(0), hull.max(0)
    length_px, beam_px = high[1] - low[1], high[0] - low[0]
    # Margins: (left, right) across and (top, bottom) along, in pixels.
    (across_low, across_high), (along_low, along_high) = MARGIN[modality]
    across = beam_px * rng.uniform(across_low, across_high, 2) + rng.uniform(
        0, 2, 2)
    along = length_px * rng.uniform(along_low, along_high, 2) + rng.uniform(
        0, 3, 2)
    width = int(np.clip(np.ceil(beam_px + across.sum()), *CHIP_WIDTH))
    height = int(np.clip(np.ceil(length_px + along.sum()), *CHIP_HEIGHT))
    # Where the limits cut the chip, it stays centred on the ship.
    col0 = across[0] - low[0] + (width - (beam_px + across.sum())) / 2
    row0 = along[0] - low[1] + (height - (length_px + along.sum())) / 2
    matrix = np.concatenate([linear, [[col0], [row0]]], axis=1)
    return ChipPose(matrix=matrix, size=(height, width), px_per_m=px_per_m,
                    modality=modality, acquisition=acquisition)
