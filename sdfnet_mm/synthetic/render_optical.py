"""Optical chip of a ship: colours, deck texture, sun shadows, sea, haze.

Drawn on a 2x oversampled canvas with sub-pixel polygons (OpenCV), in
painter's order from the sea up; a height map per pixel decides which
surfaces lie in the shadow that taller structures cast away from the sun.
Per image: sun azimuth and elevation, sea colour and swell, wake, exposure,
white balance, saturation, haze, gamma, blur and sensor noise.
"""
from dataclasses import dataclass
from typing import Sequence, Tuple

import cv2
import numpy as np

from sdfnet_mm.structures import OPTICAL
from .pose import ChipPose
from .ship_model import Box, ShipModel

OVERSAMPLE = 2
_SHIFT = 4  # fractional bits of OpenCV's sub-pixel polygon coordinates
_SEA_COLOURS = np.array([[0.02, 0.05, 0.14], [0.02, 0.07, 0.10],
                         [0.015, 0.02, 0.035], [0.04, 0.07, 0.16]])
_HAZE_COLOUR = np.array([0.35, 0.45, 0.65])
_FOAM = np.array([0.75, 0.8, 0.85])
#: Box kinds drawn with a darker outline (covers, coamings, containers).
_OUTLINED = ('hatch', 'container', 'helideck', 'superstructure')


@dataclass(frozen=True)
class OpticalLook:
    """One acquisition's conditions; ``shadow`` is chip px per metre height."""
    shadow: Tuple[float, float]
    shadow_darkness: float
    sea: np.ndarray
    gain: float
    white_balance: np.ndarray
    haze: float
    gamma: float
    saturation: float
    blur: float
    noise: float
    wake: float


def sample_look(rng: np.random.Generator, px_per_m: float) -> OpticalLook:
    """Draw sun, sea and camera conditions for one optical image."""
    azimuth = rng.uniform(0, 2 * np.pi)
    elevation = np.deg2rad(rng.uniform(35, 75))
    reach = px_per_m / np.tan(elevation)
    return OpticalLook(
        shadow=(reach * np.cos(azimuth), reach * np.sin(azimuth)),
        shadow_darkness=rng.uniform(0.3, 0.55),
        sea=_SEA_COLOURS[rng.integers(len(_SEA_COLOURS))] *
        np.exp(rng.normal(0, 0.25)),
        gain=np.exp(rng.normal(0, 0.15)),
        white_balance=np.exp(rng.normal(0, 0.06, 3)),
        haze=rng.uniform(0, 0.2) if rng.random() < 0.3 else 0.0,
        gamma=np.exp(rng.normal(0, 0.1)),
        saturation=rng.uniform(1.0, 1.4),
        blur=rng.uniform(0.3, 0.8),
        noise=rng.uniform(0.004, 0.02),
        wake=rng.uniform(0.2, 0.6) if rng.random() < 0.5 else 0.0)


def _points(poly: np.ndarray) -> np.ndarray:
    """Canvas pixels to OpenCV's fixed-point polygon format."""
    return np.round(poly * (1 << _SHIFT)).astype(np.int32)


def fill_polygon(canvas: np.ndarray, poly: np.ndarray, value) -> None:
    cv2.fillPoly(canvas, [_points(poly)], value, cv2.LINE_AA, _SHIFT)


def _swept(poly: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Outline of the area a convex polygon covers moved by ``offset``."""
    both = np.concatenate([poly, poly + offset]).astype(np.float32)
    return cv2.convexHull(both)[:, 0].astype(np.float64)


def smooth_noise(rng: np.random.Generator, shape: Tuple[int, int],
                  cell: int) -> np.ndarray:
    """Zero-mean, unit-ish noise correlated over about ``cell`` pixels."""
    h, w = shape
    coarse = rng.normal(0, 1, (h // cell + 2, w // cell + 2))
    coarse = coarse.astype(np.float32)
    return cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)


def sea(rng: np.random.Generator, shape: Tuple[int, int],
         look: OpticalLook) -> np.ndarray:
    """Dark sea with swell and ripples, (h, w, 3) float32."""
    h, w = shape
    swell = 1 + 0.12 * smooth_noise(rng, shape, 24)
    ripple = cv2.GaussianBlur(
        rng.normal(0, 1, shape).astype(np.float32), (0, 0), 1.0, sigmaY=2.5)
    level = (swell + 0.25 * ripple)[..., None]
    return (look.sea[None, None, :] * level).astype(np.float32)


def _wake(rng: np.random.Generator, canvas: np.ndarray, ship: ShipModel,
          to_px, look: OpticalLook) -> None:
    """Foam trailing behind the stern and along the sides, in place."""
    spread = rng.uniform(0.3, 1.0) * ship.beam
    reach = rng.uniform(0.1, 0.4) * ship.length
    stern = -ship.length / 2
    trail = np.array([[ship.beam / 3, stern], [ship.beam / 2 + spread,
                                                stern - reach],
                      [-ship.beam / 2 - spread, stern - reach],
                      [-ship.beam / 3, stern]])
    mask = np.zeros(canvas.shape[:2], np.float32)
    fill_polygon(mask, to_px(trail), 1.0)
    cv2.polylines(mask, [_points(to_px(ship.outline(inset=-1.5)))], True,
                  0.5, 2, cv2.LINE_AA, _SHIFT)
    mask = cv2.GaussianBlur(mask, (0, 0), 3.0)
    mask *= np.clip(0.7 + 0.5 * smooth_noise(rng, mask.shape, 4), 0, 1)
    canvas += (look.wake * mask)[..., None] * (_FOAM - canvas)


def _draw_box(canvas: np.ndarray, height: np.ndarray, shadow: np.ndarray,
              box: Box, base: float, to_px, offset: np.ndarray) -> None:
    """Top colour, height and cast shadow of one deck box, in place."""
    poly = to_px(box.polygon())
    top = base + box.height
    fill_polygon(shadow, _swept(poly, offset * top), top)
    if box.stripes:
        for colour, stripe in zip(box.stripes, box.stripe_polygons()):
            fill_polygon(canvas, to_px(stripe), colour)
            cv2.polylines(canvas, [_points(to_px(stripe))], True,
                          tuple(0.5 * c for c in colour), 1, cv2.LINE_AA,
                          _SHIFT)
    else:
        fill_polygon(canvas, poly, box.colour)
    if box.kind in _OUTLINED:
        cv2.polylines(canvas, [_points(poly)], True,
                      tuple(0.45 * c for c in box.colour), 1, cv2.LINE_AA,
                      _SHIFT)
    fill_polygon(height, poly, top)


def finish(canvas: np.ndarray, look: OpticalLook, size: Sequence[int],
            rng: np.random.Generator) -> np.ndarray:
    """Exposure, white balance, saturation, haze, gamma, blur, resampling
    and noise."""
    image = canvas * (look.gain * look.white_balance)[None, None, :]
    grey = image.mean(axis=2, keepdims=True)
    image = grey + look.saturation * (image - grey)
    image = image * (1 - look.haze) + look.haze * _HAZE_COLOUR
    image = np.clip(image, 0, 1)**look.gamma
    image = cv2.GaussianBlur(image.astype(np.float32), (0, 0),
                             look.blur * OVERSAMPLE)
    height, width = size
    image = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)
    image = image + rng.normal(0, look.noise, image.shape)
    return np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)


def draw_ship(canvas: np.ndarray, height: np.ndarray, shadow: np.ndarray,
              ship: ShipModel, to_px, look: OpticalLook,
              rng: np.random.Generator) -> None:
    """Wake (when ``look.wake``), hull, deck and deck boxes of ``ship``, in
    place: colours on ``canvas``, heights on ``height`` and the heights of
    the shadows they cast on ``shadow`` (canvas pixels)."""
    offset = np.array(look.shadow) * OVERSAMPLE
    if look.wake > 0:
        _wake(rng, canvas, ship, to_px, look)
    hull = to_px(ship.outline())
    fill_polygon(shadow, _swept(hull, offset * ship.freeboard), ship.freeboard)
    fill_polygon(canvas, hull, ship.hull_colour)
    fill_polygon(canvas, to_px(ship.outline(inset=rng.uniform(0.8, 1.6))),
          ship.deck_colour)
    fill_polygon(height, hull, ship.freeboard)
    for box in ship.boxes:
        _draw_box(canvas, height, shadow, box, ship.freeboard, to_px, offset)


def draw_structure(canvas: np.ndarray, height: np.ndarray,
                   shadow: np.ndarray, box: Box, base: float, to_px,
                   look: OpticalLook) -> None:
    """One box standing on ground ``base`` metres high (a building, a crane,
    a container stack), with its sun shadow, in place."""
    _draw_box(canvas, height, shadow, box, base, to_px,
              np.array(look.shadow) * OVERSAMPLE)


def shade(canvas: np.ndarray, height: np.ndarray, shadow: np.ndarray,
          look: OpticalLook, rng: np.random.Generator) -> None:
    """Grime on every raised surface, then the cast shadows, in place."""
    grime = 1 + 0.06 * smooth_noise(rng, height.shape, 6) + \
        0.03 * rng.normal(0, 1, height.shape)
    canvas *= np.where(height > 0, grime, 1.0)[..., None]
    canvas *= np.where(shadow > height + 0.5, look.shadow_darkness,
                       1.0)[..., None]


def render_optical_chip(ship: ShipModel, pose: ChipPose,
                        rng: np.random.Generator) -> np.ndarray:
    """One optical chip, (H, W, 3) uint8 RGB, H x W = ``pose.size``."""
    if pose.modality != OPTICAL:
        raise ValueError(f'render_optical_chip: got a pose of modality '
                         f'{pose.modality}; expected {OPTICAL} (optical)')
    look = sample_look(rng, pose.px_per_m)
    shape = (pose.size[0] * OVERSAMPLE, pose.size[1] * OVERSAMPLE)

    def to_px(points: np.ndarray) -> np.ndarray:
        return pose.to_pixels(points, oversample=OVERSAMPLE)

    canvas = sea(rng, shape, look)
    height = np.zeros(shape, np.float32)
    shadow = np.zeros(shape, np.float32)
    draw_ship(canvas, height, shadow, ship, to_px, look, rng)
    shade(canvas, height, shadow, look, rng)
    return finish(canvas, look, pose.size, rng)
