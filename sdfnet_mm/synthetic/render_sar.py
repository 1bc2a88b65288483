"""SAR chip of a ship: the same geometry seen as coherent backscatter.

A reflectivity map (sea clutter with K-distribution-like texture, a bright
hull, brighter edges where walls meet the deck, tall structures laid over
towards the sensor) becomes a field of random-phase scatterers; point
targets (corners, masts, cranes) are added coherently, and the sum is
filtered by the radar's band-limited impulse response. Speckle, its spatial
correlation and the cross-shaped sidelobe streaks along range and azimuth
(tilted in the chip, which was rotated to put the keel vertical) all follow
from that one convolution. The amplitude is then calibrated to a per-image
ceiling with a soft saturation, like the real float32 chips (about 0.0006
up to 2.4-11).
"""
from dataclasses import dataclass
from typing import Dict, Tuple

import cv2
import numpy as np

from sdfnet_mm.structures import SAR
from .pose import Acquisition, ChipPose
from .ship_model import ShipModel

PAD = 40  # pixels of scene around the chip, so sidelobes do not wrap in
_SHIFT = 4
#: Per box kind: (fill, edge) backscatter relative to the bare deck. Flat
#: decks and covers mirror the beam away; walls meeting the deck (coamings,
#: bulwarks, container faces) form bright dihedrals.
_BACKSCATTER: Dict[str, Tuple[float, float]] = {
    'superstructure': (300.0, 15000.0), 'funnel': (200.0, 8000.0),
    'hatch': (2.0, 3000.0), 'container': (100.0, 3000.0),
    'crane': (300.0, 15000.0), 'mast': (300.0, 15000.0),
    'walkway': (100.0, 1500.0), 'manifold': (100.0, 5000.0),
    'dome': (50.0, 2000.0), 'turret': (100.0, 4000.0),
    'helideck': (1.0, 500.0), 'marking': (1.0, 1.0), 'gear': (50.0, 2000.0)}
_HULL_EDGE = 4000.0
_POINT_GAIN = 1000.0  # point-target RCS unit, in bare-deck pixels
_LAYOVER_STEPS = 4


@dataclass(frozen=True)
class SARLook:
    """One SAR chip's conditions: geometry, resolution, clutter, calibration.

    ``range_dir`` is the unit (col, row) vector towards the sensor in the
    chip and ``layover`` the cotangent of the incidence (both from the
    pass, :class:`~.pose.Acquisition`); ``bandwidth`` the (range, azimuth)
    fraction of the sampling rate (resolution about ``1/bandwidth``
    pixels); ``taper`` the spectral weighting (1 = none, strongest
    sidelobes; 0.54 = Hamming); ``defocus`` the azimuth smear (pixels per
    unit frequency) of a moving ship; ``sea``, ``deck`` and ``noise``
    intensities relative to the mean clutter of a calm sea; ``resampling``
    the blur (pixels) of rotating the detected image into the vertical
    chip; ``ceiling`` the amplitude the brightest returns saturate at and
    ``calibration`` where the 99th percentile lands relative to it.
    """
    range_dir: Tuple[float, float]
    layover: float
    bandwidth: Tuple[float, float]
    taper: float
    defocus: float
    clutter_shape: float
    sea: float
    deck: float
    noise: float
    resampling: float
    ceiling: float
    calibration: float


def sample_look(acquisition: Acquisition,
                rng: np.random.Generator) -> SARLook:
    """Draw resolution, sea state and calibration for a chip of the pass."""
    angle = acquisition.look_angle
    return SARLook(
        range_dir=(np.cos(angle), np.sin(angle)),
        layover=1 / np.tan(acquisition.incidence),
        bandwidth=(rng.uniform(0.65, 0.95), rng.uniform(0.65, 0.95)),
        taper=rng.uniform(0.54, 0.7),
        defocus=rng.uniform(0, 12) if rng.random() < 0.5 else 0.0,
        clutter_shape=np.exp(rng.uniform(np.log(1.5), np.log(15))),
        sea=10**rng.uniform(-2.0, -1.0),
        deck=10**rng.uniform(0.8, 1.5),
        noise=rng.uniform(0.005, 0.03),
        resampling=rng.uniform(0.3, 0.8),
        ceiling=np.exp(rng.uniform(np.log(2.2), np.log(11.5))),
        calibration=rng.uniform(0.9, 1.4))


def _points(poly: np.ndarray) -> np.ndarray:
    return np.round(poly * (1 << _SHIFT)).astype(np.int32)


def texture(rng: np.random.Generator, shape: Tuple[int, int], cell: int,
             shape_param: float) -> np.ndarray:
    """Unit-mean gamma texture correlated over about ``cell`` pixels."""
    h, w = shape
    coarse = rng.gamma(shape_param, 1 / shape_param,
                       (h // cell + 2, w // cell + 2)).astype(np.float32)
    return cv2.resize(coarse, (w, h), interpolation=cv2.INTER_LINEAR)


def _draw_edges(canvas: np.ndarray, poly: np.ndarray, level: float,
                range_dir: np.ndarray) -> None:
    """Add a closed outline whose walls return by their aspect, in place.

    A wall facing the sensor (normal along the range direction) forms a
    bright dihedral with the deck; one seen edge-on hardly returns.
    """
    ends = np.roll(poly, -1, axis=0)
    step = ends - poly
    normal = np.stack([step[:, 1], -step[:, 0]], 1) / np.maximum(
        np.linalg.norm(step, axis=1, keepdims=True), 1e-9)
    facing = 0.05 + 0.95 * np.abs(normal @ range_dir)**4
    starts, stops = _points(poly), _points(ends)
    for a, b, weight in zip(starts, stops, facing * level):
        cv2.line(canvas, tuple(a.tolist()), tuple(b.tolist()), float(weight),
                 1, cv2.LINE_AA, _SHIFT)


def add_structures(structure: np.ndarray, edges: np.ndarray, boxes,
                   base: float, to_px, look: SARLook,
                   px_per_m: float) -> None:
    """Boxes standing ``base`` metres high, in place: their fill
    backscatter on ``structure``, their walls (and, for tall ones, the
    walls laid over towards the sensor) on ``edges``."""
    range_dir = np.array(look.range_dir)
    towards = range_dir * look.layover * px_per_m
    for box in boxes:
        fill, edge = _BACKSCATTER[box.kind]
        poly = to_px(box.polygon())
        cv2.fillPoly(structure, [_points(poly)], fill, cv2.LINE_AA, _SHIFT)
        _draw_edges(edges, poly, edge, range_dir)
        if box.height >= 5:  # walls smear towards the sensor (layover)
            for step in range(1, _LAYOVER_STEPS + 1):
                lift = (base + box.height) * step / _LAYOVER_STEPS
                _draw_edges(edges, poly + towards * lift, edge / (2 + step),
                            range_dir)


def glints(rng: np.random.Generator, shape: Tuple[int, int]) -> np.ndarray:
    """Edges are rows of discrete scatterers (rails, bollards, stiffeners):
    a heavy-tailed, unit-mean modulation makes them dotted."""
    return rng.exponential(1.0, shape).astype(np.float32)**2 / 2


def ship_reflectivity(ship: ShipModel, to_px, look: SARLook,
                      px_per_m: float, rng: np.random.Generator,
                      shape: Tuple[int, int]) -> np.ndarray:
    """Mean backscatter per pixel of a ship at sea (calm sea = 1), (h, w)
    float32."""
    clutter = texture(rng, shape, 3, look.clutter_shape)
    hull = np.zeros(shape, np.float32)
    outline = to_px(ship.outline())
    cv2.fillPoly(hull, [_points(outline)], 1.0, cv2.LINE_AA, _SHIFT)
    deck = look.deck * np.exp(0.6 * rng.normal(0, 1, shape)).astype(
        np.float32) * texture(rng, shape, 8, 2.0)
    structure = np.ones(shape, np.float32)  # box fill over the bare deck
    edges = np.zeros(shape, np.float32)
    _draw_edges(edges, outline, _HULL_EDGE, np.array(look.range_dir))
    add_structures(structure, edges, ship.boxes, ship.freeboard, to_px, look,
                   px_per_m)
    return (look.sea * clutter * (1 - hull) + deck * structure * hull +
            look.deck * edges * glints(rng, shape) + look.noise)


def _impulse_response(shape: Tuple[int, int], look: SARLook) -> np.ndarray:
    """Transfer function: a tapered rectangle in tilted frequency axes,
    with a quadratic azimuth phase (defocus) for a moving ship."""
    fy = np.fft.fftfreq(shape[0])[:, None]
    fx = np.fft.fftfreq(shape[1])[None, :]
    cos, sin = look.range_dir
    response = np.ones(shape)
    for freq, band in ((fx * cos + fy * sin, look.bandwidth[0]),
                       (-fx * sin + fy * cos, look.bandwidth[1])):
        inside = np.abs(freq) <= band / 2
        weight = look.taper + (1 - look.taper) * np.cos(2 * np.pi * freq /
                                                        band)
        response = response * inside * weight
    azimuth = -fx * sin + fy * cos
    return response * np.exp(1j * np.pi * look.defocus * azimuth**2)


def speckle(sigma: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Random-phase complex field of mean intensity ``sigma``."""
    return np.sqrt(sigma / 2) * (rng.normal(size=sigma.shape) +
                                 1j * rng.normal(size=sigma.shape))


def ship_point_targets(ship: ShipModel, to_px, look: SARLook,
                       px_per_m: float, rng: np.random.Generator
                       ) -> Tuple[np.ndarray, np.ndarray]:
    """The ship's point targets seen in one image: (K, 2) (col, row)
    positions, laid over towards the sensor, and (K,) powers with
    Swerling-like fading; some are hidden, a few flash."""
    targets = ship.scatterers[rng.random(len(ship.scatterers)) < 0.8]
    lift = np.array(look.range_dir) * look.layover * px_per_m
    where = to_px(targets[:, :2]) + lift * (ship.freeboard + targets[:, 2:3])
    power = targets[:, 3] * _POINT_GAIN * look.deck * rng.exponential(
        1.0, len(targets))
    # A few corners happen to face the sensor squarely: their flash
    # saturates and streaks along range and azimuth across the chip.
    flash = rng.choice(len(targets), min(len(targets), rng.integers(1, 4)),
                       replace=False)
    power[flash] *= rng.uniform(10, 100, len(flash))
    return where, power


def add_point_targets(field: np.ndarray, where: np.ndarray,
                      power: np.ndarray, rng: np.random.Generator) -> None:
    """Add point targets with random phases to ``field``, in place; those
    outside it are left out."""
    cols, rows = np.round(where).astype(int).T
    keep = (rows >= 0) & (rows < field.shape[0]) & (cols >= 0) & (
        cols < field.shape[1])
    phase = np.exp(2j * np.pi * rng.random(len(power)))
    np.add.at(field, (rows[keep], cols[keep]), (np.sqrt(power) * phase)[keep])


def detect(field: np.ndarray, look: SARLook,
           size: Tuple[int, int]) -> np.ndarray:
    """Focus (impulse response), detect, resample and calibrate: the
    (H, W) float32 amplitude of the ``size`` chip inside the padded
    ``field``."""
    height, width = size
    image = np.fft.ifft2(np.fft.fft2(field) *
                         _impulse_response(field.shape, look))
    amplitude = cv2.GaussianBlur(
        np.abs(image).astype(np.float32), (0, 0),
        look.resampling)[PAD:PAD + height, PAD:PAD + width]
    gain = look.calibration * look.ceiling / np.percentile(amplitude, 99)
    calibrated = look.ceiling * np.tanh(gain * amplitude / look.ceiling)
    return np.maximum(calibrated, 1e-4 * look.ceiling).astype(np.float32)


def render_sar_chip(ship: ShipModel, pose: ChipPose,
                    rng: np.random.Generator) -> np.ndarray:
    """One SAR chip, (H, W) float32 amplitude > 0, H x W = ``pose.size``."""
    if pose.modality != SAR:
        raise ValueError(f'render_sar_chip: got a pose of modality '
                         f'{pose.modality}; expected {SAR} (SAR)')
    look = sample_look(pose.acquisition, rng)
    height, width = pose.size
    shape = (height + 2 * PAD, width + 2 * PAD)

    def to_px(points: np.ndarray) -> np.ndarray:
        return pose.to_pixels(points, offset=PAD)

    sigma = ship_reflectivity(ship, to_px, look, pose.px_per_m, rng, shape)
    field = speckle(sigma, rng)
    where, power = ship_point_targets(ship, to_px, look, pose.px_per_m, rng)
    add_point_targets(field, where, power, rng)
    return detect(field, look, pose.size)
