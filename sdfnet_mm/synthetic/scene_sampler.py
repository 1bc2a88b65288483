"""Draw one pre-training scene: a ship at sea, a ship at a harbour quay, or
land with fields, roads, a river and buildings; everything from the pair's
own random stream."""
from typing import List, Tuple

import cv2
import numpy as np

from sdfnet_mm.structures import OPTICAL
from .pose import ChipPose, sample_acquisition, sample_pose
from .scene_model import SCENE_KINDS, GroundPatch, Scene
from .ship_model import Box, Colour
from .ship_sampler import sample_ship

_ROOFS: Tuple[Colour, ...] = ((0.55, 0.20, 0.15), (0.48, 0.48, 0.47),
                              (0.80, 0.80, 0.77), (0.40, 0.30, 0.20),
                              (0.30, 0.40, 0.55), (0.62, 0.45, 0.30))
_CONTAINERS: Tuple[Colour, ...] = ((0.62, 0.20, 0.15), (0.20, 0.35, 0.58),
                                   (0.78, 0.78, 0.76), (0.25, 0.45, 0.32),
                                   (0.75, 0.55, 0.22), (0.45, 0.45, 0.45))
_CRANE = (0.80, 0.62, 0.18)
_FIELDS = ('crop', 'grass', 'soil', 'forest')
#: Land scenes: ground sample distance (m/px) and chip size (pixels).
_LAND_GSD = (0.75, 3.0)
_LAND_HEIGHT = (128, 385)
_LAND_WIDTH = (40, 129)
_CONTAINER_LENGTH, _CONTAINER_WIDTH, _TIER = 12.2, 2.45, 2.6


def _rectangle(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], float)


def _colour(rng: np.random.Generator, table: Tuple[Colour, ...]) -> Colour:
    base = np.array(table[rng.integers(len(table))])
    return tuple(float(c) for c in np.clip(
        base * np.exp(rng.normal(0, 0.1, 3)), 0, 1))


def _ship_at_sea(rng: np.random.Generator) -> Scene:
    """A ship in its tight vertical chip, as a HOSS chip but seen by both
    sensors at once (same pass, same pixel grid)."""
    ship = sample_ship(rng)
    acquisition = sample_acquisition(rng)
    pose = sample_pose(ship, OPTICAL, acquisition, rng)
    height, width = pose.size
    water = GroundPatch('water', _rectangle(0, 0, width / pose.px_per_m,
                                            height / pose.px_per_m))
    return Scene('ship', pose.size, pose.px_per_m, acquisition, (water, ),
                 ship=ship, ship_pose=pose)


def _quay_structures(rng: np.random.Generator, x0: float, x1: float,
                     length: float) -> List[Box]:
    """Container blocks, cranes at the water's edge and sheds along a quay
    from ``x0`` to ``x1`` metres across (``x0`` at the water)."""
    boxes: List[Box] = []
    sign = 1.0 if x1 > x0 else -1.0
    width = abs(x1 - x0)
    y = rng.uniform(0, 15)
    while y < length - 15:
        kind = rng.choice(['containers', 'shed', 'open'], p=[0.5, 0.3, 0.2])
        along = rng.uniform(25, 70)
        along = min(along, length - y)
        if kind == 'containers':
            rows = max(int((width - 12) / _CONTAINER_WIDTH), 1)
            stripes = tuple(_colour(rng, _CONTAINERS) for _ in range(rows))
            across = rows * _CONTAINER_WIDTH
            centre_x = x0 + sign * (8 + across / 2)
            for bay in range(max(int(along / (_CONTAINER_LENGTH + 1)), 1)):
                tiers = int(rng.integers(1, 6))
                boxes.append(Box(
                    'container', (centre_x, y + (bay + 0.5) *
                                  (_CONTAINER_LENGTH + 1)),
                    (across, _CONTAINER_LENGTH), _TIER * tiers, stripes[0],
                    stripes=stripes))
        elif kind == 'shed':
            across = width * rng.uniform(0.5, 0.85)
            boxes.append(Box('hatch', (x0 + sign * (width - across / 2 - 2),
                                       y + along / 2), (across, along),
                             rng.uniform(8, 16), _colour(rng, _ROOFS)))
        if rng.random() < 0.5:  # a quay crane at the edge, jib stowed
            crane_y = y + rng.uniform(0, along)
            boxes.append(Box('crane', (x0 + sign * 4, crane_y), (4.0, 4.0),
                             rng.uniform(30, 45), _CRANE))
            boxes.append(Box('crane', (x0 + sign * 4, crane_y), (2.0, 25.0),
                             rng.uniform(20, 30), _CRANE))
        y += along + rng.uniform(3, 12)
    return sorted(boxes, key=lambda b: b.height)


def _ship_at_quay(rng: np.random.Generator) -> Scene:
    """A ship moored beside a quay with containers, cranes and sheds."""
    ship = sample_ship(rng)
    acquisition = sample_acquisition(rng)
    pose = sample_pose(ship, OPTICAL, acquisition, rng)
    height, ship_width = pose.size
    scale = pose.px_per_m
    quay, gap = int(rng.integers(28, 72)), int(rng.integers(2, 8))
    width = ship_width + gap + quay
    matrix = pose.matrix.copy()
    if rng.random() < 0.5:  # quay on the left: move the ship right
        matrix[0, 2] += quay + gap
        edge, inland = quay / scale, 0.0
    else:
        edge, inland = (ship_width + gap) / scale, width / scale
    ship_pose = ChipPose(matrix, (height, width), scale, OPTICAL,
                         acquisition)
    length_m = height / scale
    ground = (GroundPatch('water', _rectangle(0, 0, width / scale,
                                              length_m)),
              GroundPatch('concrete', _rectangle(min(edge, inland), 0,
                                                 max(edge, inland), length_m),
                          tone=rng.uniform(0.8, 1.2)))
    structures = _quay_structures(rng, edge, inland, length_m)
    return Scene('harbour', (height, width), scale, acquisition, ground,
                 tuple(structures), ship=ship, ship_pose=ship_pose)


def _fields(rng: np.random.Generator, width: float,
            height: float) -> List[GroundPatch]:
    """A jittered grid of parcels of crops, grass, bare soil and forest."""
    columns, rows = int(rng.integers(1, 4)), int(rng.integers(2, 8))
    xs = np.linspace(0, width, columns + 1)
    ys = np.linspace(0, height, rows + 1)
    corners = np.stack(np.meshgrid(xs, ys), -1)
    jitter = rng.uniform(-0.3, 0.3, corners.shape) * [width / columns,
                                                      height / rows]
    corners[1:-1, 1:-1] += jitter[1:-1, 1:-1]
    patches = []
    for r in range(rows):
        for c in range(columns):
            if rng.random() < 0.15:
                continue  # the base ground shows through
            quad = np.array([corners[r, c], corners[r, c + 1],
                             corners[r + 1, c + 1], corners[r + 1, c]])
            patches.append(GroundPatch(_FIELDS[rng.integers(len(_FIELDS))],
                                       quad, tone=rng.uniform(0.7, 1.3)))
    return patches


def _band(rng: np.random.Generator, width: float, height: float,
          thickness: float) -> np.ndarray:
    """A straight band across the chip (a road or a river), (4, 2)."""
    if rng.random() < 0.5:  # left to right
        y0, y1 = rng.uniform(0, height, 2)
        return np.array([[-1, y0], [width + 1, y1], [width + 1, y1 +
                                                     thickness],
                         [-1, y0 + thickness]])
    x0, x1 = rng.uniform(0, width, 2)
    return np.array([[x0, -1], [x0 + thickness, -1],
                     [x1 + thickness, height + 1], [x1, height + 1]])


def _inside(polygons: List[np.ndarray], x: float, y: float) -> bool:
    return any(cv2.pointPolygonTest(p.astype(np.float32), (x, y), False) >= 0
               for p in polygons)


def _buildings(rng: np.random.Generator, width: float, height: float,
               avoid: List[np.ndarray]) -> List[Box]:
    """None, a village or a town block of houses, sheds and towers."""
    density = rng.choice(['none', 'village', 'town'], p=[0.2, 0.5, 0.3])
    if density == 'none':
        return []
    count = int(rng.integers(4, 16) if density == 'village' else
                rng.integers(15, 50))
    tall = (4, 10) if density == 'village' else (6, 40)
    boxes: List[Box] = []
    for _ in range(count):
        across, along = rng.uniform(8, 35, 2)
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        if _inside(avoid, x, y):
            continue
        boxes.append(Box('superstructure' if rng.random() < 0.7 else 'hatch',
                         (x, y), (across, along), rng.uniform(*tall),
                         _colour(rng, _ROOFS)))
    return sorted(boxes, key=lambda b: b.height)


def _land(rng: np.random.Generator) -> Scene:
    """Fields, roads, maybe a river, and buildings (SEN1-2 / DFC23 land)."""
    scale = 1 / rng.uniform(*_LAND_GSD)
    size = (int(rng.integers(*_LAND_HEIGHT)), int(rng.integers(*_LAND_WIDTH)))
    height, width = size[0] / scale, size[1] / scale
    base = GroundPatch(['grass', 'soil', 'crop'][rng.integers(3)],
                       _rectangle(0, 0, width, height),
                       tone=rng.uniform(0.8, 1.2))
    ground = [base] + _fields(rng, width, height)
    water = []
    if rng.random() < 0.25:
        water.append(_band(rng, width, height, rng.uniform(15, 60)))
        ground.append(GroundPatch('water', water[-1]))
    for _ in range(int(rng.integers(0, 3))):
        ground.append(GroundPatch('asphalt',
                                  _band(rng, width, height,
                                        rng.uniform(6, 12))))
    return Scene('land', size, scale, sample_acquisition(rng), tuple(ground),
                 tuple(_buildings(rng, width, height, water)))


_SAMPLERS = {'ship': _ship_at_sea, 'harbour': _ship_at_quay, 'land': _land}


def sample_scene(kind: str, rng: np.random.Generator) -> Scene:
    """Draw a scene of ``kind`` (one of :data:`SCENE_KINDS`)."""
    if kind not in SCENE_KINDS:
        raise ValueError(f'sample_scene: unknown kind {kind!r}; expected one '
                         f'of {SCENE_KINDS}')
    return _SAMPLERS[kind](rng)
