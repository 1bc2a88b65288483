"""The identity: one rigid ship, its geometry shared by both modalities.

Ship frame, in metres: ``x`` across the beam (starboard positive), ``y``
along the keel (stern at ``-length/2``, bow at ``+length/2``), heights
above the deck. A ship is a hull outline plus axis-aligned deck boxes
(superstructure, hatch covers, container stacks, cranes...) and the point
scatterers (corners, masts, bollards) that radar sees. Six classes share
layout rules, so ships of one class differ only in their parameters and are
easy to confuse (:mod:`.ship_sampler` draws them).
"""
from dataclasses import dataclass
from typing import Dict, List, Tuple

import numpy as np

Colour = Tuple[float, float, float]

#: Ship classes and how often each is drawn (HOSS is mostly big merchants).
CLASS_WEIGHTS: Dict[str, float] = {
    'container': 0.24,
    'bulk': 0.24,
    'tanker': 0.22,
    'cargo': 0.14,
    'fishing': 0.08,
    'warship': 0.08,
}
SHIP_CLASSES = tuple(CLASS_WEIGHTS)

#: What a box is; the renderers map each kind to colour / backscatter.
BOX_KINDS = ('superstructure', 'funnel', 'hatch', 'container', 'crane',
             'mast', 'walkway', 'manifold', 'dome', 'turret', 'helideck',
             'marking', 'gear')


@dataclass(frozen=True)
class Box:
    """An axis-aligned deck structure in the ship frame (metres).

    ``centre`` (x, y) and ``size`` (across, along); ``height`` above deck;
    ``colour`` its optical top colour, or, with ``stripes``, one colour per
    across-beam column (container rows); ``round`` makes it an ellipse.
    """
    kind: str
    centre: Tuple[float, float]
    size: Tuple[float, float]
    height: float
    colour: Colour
    stripes: Tuple[Colour, ...] = ()
    round: bool = False

    def polygon(self) -> np.ndarray:
        """The footprint outline, (K, 2) ship-frame metres."""
        (cx, cy), (sx, sy) = self.centre, self.size
        if self.round:
            t = np.linspace(0, 2 * np.pi, 16, endpoint=False)
            return np.stack([cx + sx / 2 * np.cos(t),
                             cy + sy / 2 * np.sin(t)], axis=1)
        x0, x1, y0, y1 = cx - sx / 2, cx + sx / 2, cy - sy / 2, cy + sy / 2
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])

    def stripe_polygons(self) -> List[np.ndarray]:
        """One (4, 2) outline per colour stripe, left to right across."""
        (cx, cy), (sx, sy) = self.centre, self.size
        edges = cx - sx / 2 + sx * np.arange(len(self.stripes) + 1) / len(
            self.stripes)
        return [np.array([[x0, cy - sy / 2], [x1, cy - sy / 2],
                          [x1, cy + sy / 2], [x0, cy + sy / 2]])
                for x0, x1 in zip(edges[:-1], edges[1:])]


@dataclass(frozen=True)
class ShipModel:
    """One identity. ``scatterers`` is (N, 4): x, y, height, relative RCS.

    Hull half-width along ``y``: a parallel midbody of ``beam / 2``, a bow
    of ``bow_length`` closing as a superellipse of exponent ``bow_power``
    (about 1.3 sharp, 2.5 blunt) and a stern of ``stern_length`` rounding
    down to a transom of ``transom * beam``.
    """
    ship_class: str
    length: float
    beam: float
    bow_length: float
    bow_power: float
    stern_length: float
    transom: float
    freeboard: float
    hull_colour: Colour
    deck_colour: Colour
    boxes: Tuple[Box, ...]
    scatterers: np.ndarray

    def half_width(self, y: np.ndarray, inset: float = 0.0) -> np.ndarray:
        """Hull half-width (m) at positions ``y`` (m), shrunk by ``inset``."""
        half = self.beam / 2
        bow_u = np.clip((y - (self.length / 2 - self.bow_length)) /
                        self.bow_length, 0, 1)
        bow = (1 - bow_u**self.bow_power)**(1 / self.bow_power)
        stern_u = np.clip((-self.length / 2 + self.stern_length - y) /
                          self.stern_length, 0, 1)
        stern = self.transom + (1 - self.transom) * np.sqrt(1 - stern_u**2)
        return np.maximum(half * np.minimum(bow, stern) - inset, 0)

    def outline(self, inset: float = 0.0, samples: int = 64) -> np.ndarray:
        """Hull (or deck, with ``inset`` metres) outline, (2*samples, 2).

        Samples are denser towards bow and stern, where the outline bends.
        """
        ends = self.length / 2 - inset
        y = -ends + ends * (1 - np.cos(np.linspace(0, np.pi, samples)))
        x = self.half_width(y, inset)
        return np.concatenate([np.stack([x, y], 1),
                               np.stack([-x, y], 1)[::-1]])
