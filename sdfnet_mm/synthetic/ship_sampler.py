"""Draw one identity: ship class, hull, deck layout and radar scatterers,
everything from the identity's own random stream."""
from dataclasses import replace
from typing import Dict, List, Tuple

import numpy as np

from .ship_model import CLASS_WEIGHTS, SHIP_CLASSES, Box, Colour, ShipModel

# Optical colours (linear RGB in [0, 1]); few per class, so they repeat.
_HULL_COLOURS = {
    'black': (0.07, 0.07, 0.08), 'red': (0.42, 0.10, 0.08),
    'navy': (0.08, 0.12, 0.28), 'grey': (0.40, 0.42, 0.45),
    'white': (0.85, 0.85, 0.82), 'green': (0.10, 0.28, 0.18),
    'blue': (0.12, 0.28, 0.55)}
_DECK_COLOURS = {
    'rust': (0.45, 0.20, 0.13), 'red': (0.55, 0.16, 0.12),
    'green': (0.22, 0.42, 0.30), 'grey': (0.45, 0.47, 0.48),
    'blue': (0.25, 0.35, 0.55), 'dark': (0.15, 0.16, 0.17),
    'sand': (0.62, 0.55, 0.38)}
_CONTAINER_COLOURS = (
    (0.62, 0.20, 0.15), (0.20, 0.35, 0.58), (0.78, 0.78, 0.76),
    (0.25, 0.45, 0.32), (0.75, 0.55, 0.22), (0.45, 0.45, 0.45),
    (0.50, 0.27, 0.16), (0.16, 0.22, 0.33))
_WHITE = (0.86, 0.86, 0.82)
_CREAM = (0.80, 0.75, 0.62)
_WARSHIP_GREY = (0.42, 0.45, 0.47)



def _pick(rng: np.random.Generator, table: Dict[str, Colour],
          names: Tuple[str, ...]) -> Colour:
    """One of the named paints, in this ship's own shade."""
    base = np.array(table[names[rng.integers(len(names))]])
    shade = np.clip(base * np.exp(rng.normal(0, 0.12, 3)), 0, 1)
    return tuple(float(c) for c in shade)


def _superstructure(rng: np.random.Generator, y: float, beam: float,
                    along: float, height: float) -> List[Box]:
    """Accommodation block with a bridge deck on top and a funnel aft."""
    across = beam * rng.uniform(0.7, 0.92)
    colour = _WHITE if rng.random() < 0.7 else _CREAM
    funnel_colour = _CONTAINER_COLOURS[rng.integers(len(_CONTAINER_COLOURS))]
    return [
        Box('superstructure', (0.0, y), (across, along), height, colour),
        Box('superstructure', (0.0, y + along * 0.15),
            (across * rng.uniform(0.5, 0.8), along * 0.5), height + 3, colour),
        Box('funnel', (0.0, y - along * 0.55), (across * 0.25, along * 0.35),
            height + rng.uniform(4, 8), funnel_colour,
            round=rng.random() < .5),
    ]


def _even_positions(start: float, end: float, count: int) -> np.ndarray:
    """Centres of ``count`` equal slots tiling ``[start, end]``."""
    step = (end - start) / count
    return start + step * (np.arange(count) + 0.5)


def _hatches(rng: np.random.Generator, hull: ShipModel, start: float,
             end: float, count: int, colour: Colour) -> List[Box]:
    """Hatch covers in equal slots; forward ones narrow with the bow."""
    step = (end - start) / count
    along = step * rng.uniform(0.6, 0.8)
    share = rng.uniform(0.55, 0.72)
    ys = _even_positions(start, end, count)
    across = np.minimum(hull.beam, 2 * hull.half_width(ys + along / 2)) * share
    return [Box('hatch', (0.0, y), (w, along), 1.8, colour)
            for y, w in zip(ys, across)]


def _cranes(rng: np.random.Generator, ys: np.ndarray, beam: float,
            colour: Colour) -> List[Box]:
    """Deck cranes: a tall pedestal and a stowed jib along the keel."""
    side = beam * rng.uniform(0.0, 0.25)
    boxes = []
    for i, y in enumerate(ys):
        x = side if i % 2 else -side
        boxes.append(Box('crane', (x, y), (3.0, 3.0), 24.0, colour))
        boxes.append(Box('crane', (x, y + 9.0), (1.4, 18.0), 16.0, colour))
    return boxes


def _bulwark_scatterers(rng: np.random.Generator, hull: ShipModel,
                        count: int) -> List[Tuple[float, float, float, float]]:
    """Bollards and fairleads: weak points just inside the hull edge."""
    ys = rng.uniform(-0.45, 0.45, count) * hull.length
    xs = rng.choice([-1.0, 1.0], count) * hull.half_width(ys, inset=1.0)
    return [(x, y, 1.5, rng.uniform(0.3, 1.0)) for x, y in zip(xs, ys)]


def _fittings(rng: np.random.Generator, hull: ShipModel,
              count: int) -> List[Box]:
    """Small deck fittings (winches, vents, lockers) scattered on deck."""
    ys = rng.uniform(-0.45, 0.4, count) * hull.length
    xs = rng.uniform(-1, 1, count) * hull.half_width(ys, inset=2.0)
    return [Box('gear', (x, y), tuple(rng.uniform(0.8, 2.5, 2)),
                rng.uniform(0.5, 2.0), (0.85, 0.85, 0.8) if rng.random() < .5
                else (0.2, 0.2, 0.2)) for x, y in zip(xs, ys)]


def _container_ship(rng: np.random.Generator, hull: ShipModel) -> List[Box]:
    """Bays of container stacks (some empty), bridge aft or forward."""
    length, beam, bow_len = hull.length, hull.beam, hull.bow_length
    deck = _pick(rng, _DECK_COLOURS, ('rust', 'red', 'dark', 'grey', 'blue'))
    aft = rng.random() < 0.6
    s_along = 10 + length * rng.uniform(0.03, 0.045)
    s_y = -length / 2 + length * (rng.uniform(0.07, 0.13) if aft else
                                  rng.uniform(0.58, 0.7))
    boxes = _superstructure(rng, s_y, beam, s_along, rng.uniform(24, 36))
    start = -length / 2 + length * rng.uniform(0.03, 0.05)
    end = length / 2 - bow_len * rng.uniform(0.25, 0.45)
    bay = rng.uniform(13.0, 14.5)
    dominant = rng.integers(len(_CONTAINER_COLOURS))
    share = rng.uniform(0.2, 0.8)  # how much of the load is one line's colour
    fill = rng.uniform(0.6, 1.0)
    y = start
    while y + bay < end:
        if abs(y + bay / 2 - s_y) < s_along / 2 + bay / 2:
            y += bay
            continue
        # Rows of containers two wide (5 m), as many as the hull allows here.
        across = 2 * float(hull.half_width(np.array(y + bay), inset=1.5))
        rows = int(across / 5.0)
        if rows >= 2 and rng.random() < fill:
            stripes = tuple(_CONTAINER_COLOURS[
                dominant if rng.random() < share else
                rng.integers(len(_CONTAINER_COLOURS))] for _ in range(rows))
            tiers = int(rng.integers(2, 8))
            boxes.append(Box('container', (0.0, y + bay / 2),
                             (rows * 5.0, bay - 1.2), 2.6 * tiers, stripes[0],
                             stripes=stripes))
        elif rows >= 1:
            boxes.append(Box('hatch', (0.0, y + bay / 2),
                             (rows * 5.0, bay - 1.2), 1.5, deck))
        y += bay
    return boxes


def _bulk_carrier(rng: np.random.Generator, hull: ShipModel) -> List[Box]:
    """Four to nine large hatch covers, bridge aft, cranes if geared."""
    length, beam, bow_len = hull.length, hull.beam, hull.bow_length
    hatch = _pick(rng, _DECK_COLOURS, ('rust', 'red', 'green', 'grey', 'blue',
                                       'dark', 'sand'))
    s_along = 8 + length * rng.uniform(0.04, 0.07)
    s_y = -length / 2 + length * rng.uniform(0.05, 0.1) + s_along / 2
    boxes = _superstructure(rng, s_y, beam, s_along, rng.uniform(18, 28))
    start = s_y + s_along / 2 + length * rng.uniform(0.02, 0.04)
    end = length / 2 - bow_len * rng.uniform(0.6, 0.9)
    count = int(np.clip(round((end - start) / rng.uniform(22, 32)), 4, 9))
    boxes += _hatches(rng, hull, start, end, count, hatch)
    if rng.random() < 0.4:  # geared bulker: cranes between the hatches
        edges = start + (end - start) * np.arange(1, count) / count
        boxes += _cranes(rng, edges[::2] if count > 6 else edges, beam,
                         _pick(rng, _DECK_COLOURS, ('sand', 'grey', 'red')))
    boxes.append(Box('mast', (0.0, end + bow_len * 0.3), (1.5, 1.5), 14.0,
                     (0.6, 0.55, 0.4)))
    return boxes


def _tanker(rng: np.random.Generator, hull: ShipModel) -> List[Box]:
    """Open deck: pipe walkway, midship manifold, tank domes, bridge aft."""
    length, beam, bow_len = hull.length, hull.beam, hull.bow_length
    s_along = 8 + length * rng.uniform(0.04, 0.07)
    s_y = -length / 2 + length * rng.uniform(0.04, 0.09) + s_along / 2
    boxes = _superstructure(rng, s_y, beam, s_along, rng.uniform(20, 30))
    start = s_y + s_along / 2 + 4
    end = length / 2 - bow_len * rng.uniform(0.5, 0.8)
    walkway_x = beam * rng.uniform(-0.08, 0.08)
    boxes.append(Box('walkway', (walkway_x, (start + end) / 2),
                     (1.6, end - start), 1.5, (0.75, 0.72, 0.65)))
    manifold_y = length * rng.uniform(-0.06, 0.08)
    boxes.append(Box('manifold', (0.0, manifold_y),
                     (beam * rng.uniform(0.6, 0.9), rng.uniform(3, 7)), 3.0,
                     (0.7, 0.7, 0.68)))
    boxes += _cranes(rng, np.array([manifold_y + 6.0]), beam * 0.3,
                     (0.75, 0.7, 0.4))[:1]
    count = int(rng.integers(4, 11))
    for y in _even_positions(start + 6, end - 4, count):
        for x in (-beam / 4, beam / 4):
            boxes.append(Box('dome', (x, y), (3.0, 3.0), 1.5,
                             (0.7, 0.7, 0.65), round=True))
    return boxes


def _general_cargo(rng: np.random.Generator, hull: ShipModel) -> List[Box]:
    """Two to four hatches with cranes between, bridge mostly aft."""
    length, beam, bow_len = hull.length, hull.beam, hull.bow_length
    hatch = _pick(rng, _DECK_COLOURS,
                  ('rust', 'green', 'grey', 'blue', 'dark'))
    aft = rng.random() < 0.8
    s_along = 6 + length * rng.uniform(0.06, 0.1)
    s_y = (-length / 2 + length * rng.uniform(0.04, 0.08) + s_along / 2
           if aft else length * rng.uniform(-0.1, 0.1))
    boxes = _superstructure(rng, s_y, beam, s_along, rng.uniform(12, 20))
    start = (s_y + s_along / 2 + 4) if aft else -length / 2 + length * 0.08
    end = length / 2 - bow_len * rng.uniform(0.6, 0.9)
    count = int(rng.integers(2, 5))
    boxes += _hatches(rng, hull, start, end, count, hatch)
    if not aft:
        boxes = [b for b in boxes if b.kind != 'hatch' or
                 abs(b.centre[1] - s_y) > s_along / 2 + b.size[1] / 2]
    edges = start + (end - start) * np.arange(1, count) / count
    boxes += _cranes(rng, edges, beam, (0.8, 0.65, 0.2))
    return boxes


def _fishing_vessel(rng: np.random.Generator, hull: ShipModel) -> List[Box]:
    """Small: wheelhouse forward of midships, gear on the aft deck."""
    length, beam = hull.length, hull.beam
    w_along = length * rng.uniform(0.14, 0.22)
    w_y = -length / 2 + length * rng.uniform(0.5, 0.68)
    colour = _WHITE if rng.random() < 0.6 else _pick(
        rng, _HULL_COLOURS, ('blue', 'green', 'red'))
    boxes = [
        Box('superstructure', (0.0, w_y),
            (beam * rng.uniform(.55, .75), w_along), rng.uniform(4, 7),
            colour),
        Box('mast', (0.0, w_y + w_along * 0.3), (1.0, 1.0),
            rng.uniform(9, 13), (0.8, 0.8, 0.8)),
        Box('gear', (0.0, -length / 2 + 2.0), (beam * 0.8, 1.2),
            rng.uniform(6, 9), (0.5, 0.4, 0.3)),
    ]
    for _ in range(int(rng.integers(1, 4))):
        boxes.append(Box('gear', (beam * rng.uniform(-0.25, 0.25),
                                  -length / 2 + length * rng.uniform(.1, .4)),
                         (beam * rng.uniform(0.15, 0.35), length *
                          rng.uniform(0.05, 0.12)), rng.uniform(1, 2.5),
                         _CONTAINER_COLOURS[rng.integers(
                             len(_CONTAINER_COLOURS))]))
    return boxes


def _warship(rng: np.random.Generator, hull: ShipModel) -> List[Box]:
    """Long slim hull: midship superstructure, mast, gun, helideck aft."""
    length, beam, bow_len = hull.length, hull.beam, hull.bow_length
    s_along = length * rng.uniform(0.2, 0.32)
    s_y = length * rng.uniform(-0.08, 0.12)
    heli = length * rng.uniform(0.12, 0.2)
    boxes = [
        Box('helideck', (0.0, -length / 2 + heli / 2 + 2), (beam * 0.85, heli),
            0.3, (0.35, 0.37, 0.38)),
        Box('marking', (0.0, -length / 2 + heli / 2 + 2),
            (beam * .5, beam * .5), 0.35, (0.75, 0.75, 0.7), round=True),
        Box('superstructure', (0.0, s_y), (beam * rng.uniform(0.65, 0.85),
                                           s_along), rng.uniform(10, 16),
            _WARSHIP_GREY),
        Box('mast', (0.0, s_y + s_along * rng.uniform(0.1, 0.3)), (3.0, 3.0),
            rng.uniform(25, 35), (0.5, 0.52, 0.54)),
        Box('funnel', (0.0, s_y - s_along * 0.25), (beam * 0.3, 6.0),
            rng.uniform(18, 22), (0.3, 0.3, 0.32)),
        Box('turret', (0.0, length / 2 - bow_len * 0.9 - rng.uniform(5, 12)),
            (5.0, 6.0), 3.0, (0.5, 0.52, 0.54), round=True),
    ]
    if rng.random() < 0.6:
        boxes.append(Box('hatch', (0.0, s_y + s_along / 2 + 7),
                         (beam * 0.4, rng.uniform(6, 10)), 0.8,
                         (0.3, 0.32, 0.33)))
    return boxes


# class: (length range m, length/beam range, bow power range, transom range,
#         layout builder, hull colours, deck colours)
_CLASS_RULES: Dict[str, tuple] = {
    'container': ((150, 360), (6.4, 8.0), (1.3, 1.8), (0.55, 0.75),
                  _container_ship, ('black', 'red', 'navy', 'blue', 'grey'),
                  ('rust', 'red', 'dark', 'grey')),
    'bulk': ((120, 300), (5.6, 7.0), (1.8, 2.5), (0.6, 0.8), _bulk_carrier,
             ('black', 'red', 'navy', 'grey', 'green'),
             ('rust', 'red', 'grey', 'dark')),
    'tanker': ((110, 340), (5.2, 6.4), (1.9, 2.6), (0.65, 0.85), _tanker,
               ('black', 'red', 'navy', 'grey'), ('green', 'red', 'grey')),
    'cargo': ((80, 170), (5.4, 6.8), (1.5, 2.2), (0.6, 0.8), _general_cargo,
              ('black', 'blue', 'green', 'grey', 'white'),
              ('rust', 'grey', 'dark')),
    'fishing': ((42, 80), (3.6, 4.8), (1.5, 2.1), (0.65, 0.9), _fishing_vessel,
                ('red', 'blue', 'white', 'green', 'navy'), ('grey', 'sand')),
    'warship': ((90, 180), (7.5, 9.5), (1.2, 1.5), (0.75, 0.9), _warship,
                ('grey',), ('grey', )),
}


def sample_ship(rng: np.random.Generator) -> ShipModel:
    """Draw one identity: class, hull, deck layout and radar scatterers."""
    ship_class = SHIP_CLASSES[rng.choice(
        len(SHIP_CLASSES), p=np.array(list(CLASS_WEIGHTS.values())))]
    (l_range, lb_range, bow_range, transom_range, builder, hulls,
     decks) = _CLASS_RULES[ship_class]
    length = rng.uniform(*l_range)
    beam = length / rng.uniform(*lb_range)
    bow_len = length * rng.uniform(0.12, 0.2)
    hull = ShipModel(
        ship_class=ship_class,
        length=length,
        beam=beam,
        bow_length=bow_len,
        bow_power=rng.uniform(*bow_range),
        stern_length=length * rng.uniform(0.06, 0.12),
        transom=rng.uniform(*transom_range),
        freeboard=rng.uniform(4, 12) if ship_class != 'fishing' else 2.5,
        hull_colour=_pick(rng, _HULL_COLOURS, hulls),
        deck_colour=_pick(rng, _DECK_COLOURS, decks),
        boxes=(),
        scatterers=np.zeros((0, 4)))
    boxes = builder(rng, hull) + _fittings(
        rng, hull, int(rng.integers(6, 25)))
    # Corners of tall structures and masts return most; bow and transom too.
    points = []
    for box in boxes:
        if box.height >= 5:
            poly = box.polygon()[::4 if box.round else 1]
            points += [(x, y, box.height, box.height * 4.0) for x, y in poly]
        elif box.kind in ('manifold', 'dome'):
            points.append((*box.centre, box.height, 6.0))
    points += _bulwark_scatterers(rng, hull, int(rng.integers(4, 11)))
    stern_half = beam / 2 * hull.transom - 1
    points += [(0.0, length / 2 - 1, 2.0, 20.0),
               (stern_half, -length / 2 + 1, 2.0, 15.0),
               (-stern_half, -length / 2 + 1, 2.0, 15.0)]
    return replace(hull,
                   boxes=tuple(sorted(boxes, key=lambda b: b.height)),
                   scatterers=np.array(points, dtype=np.float64))
