"""A co-registered scene: the ground, the structures on it and maybe a
ship, seen by both sensors on one pixel grid (a pre-training pair).

Scene frame, in metres: ``x`` to the right and ``y`` down from the chip's
top-left corner; ``px_per_m`` maps it to pixels. Structures are
:class:`~.ship_model.Box` es standing on the ground; a ship has its own
frame and a :class:`~.pose.ChipPose` into the chip.
"""
from dataclasses import dataclass, replace
from typing import Optional, Tuple

import numpy as np

from sdfnet_mm.structures import OPTICAL
from .pose import Acquisition, ChipPose
from .ship_model import Box, ShipModel

#: Ground materials; the renderers map each to colour / backscatter.
MATERIALS = ('water', 'concrete', 'asphalt', 'grass', 'crop', 'soil',
             'forest', 'sand')
SCENE_KINDS = ('ship', 'harbour', 'land')


@dataclass(frozen=True)
class GroundPatch:
    """A stretch of one material: ``polygon`` (K, 2) scene metres;
    ``tone`` scales its brightness in both sensors (fields differ)."""
    material: str
    polygon: np.ndarray
    tone: float = 1.0


@dataclass(frozen=True)
class Scene:
    """One pair's geometry.

    ``ground`` is drawn in order (the first patch should cover the chip);
    ``structures`` stand on it; ``ship`` lies on the water with
    ``ship_pose`` (ship frame to chip pixels, the chip's own grid).
    ``acquisition`` is the pass both images come from (sun side, radar
    look and incidence).
    """
    kind: str
    size: Tuple[int, int]
    px_per_m: float
    acquisition: Acquisition
    ground: Tuple[GroundPatch, ...] = ()
    structures: Tuple[Box, ...] = ()
    ship: Optional[ShipModel] = None
    ship_pose: Optional[ChipPose] = None

    def frame_pose(self, modality: int = OPTICAL) -> ChipPose:
        """Scene metres to this chip's pixels, as a :class:`ChipPose`."""
        scale = self.px_per_m
        return ChipPose(
            matrix=np.array([[scale, 0.0, 0.0], [0.0, scale, 0.0]]),
            size=self.size, px_per_m=scale, modality=modality,
            acquisition=self.acquisition)

    def ship_pose_for(self, modality: int) -> ChipPose:
        """The ship's pose for ``modality`` (same grid for both sensors)."""
        if self.ship_pose is None:
            raise ValueError(f'Scene({self.kind}) has no ship')
        return replace(self.ship_pose, modality=modality)
