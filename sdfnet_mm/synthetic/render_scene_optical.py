"""Optical image of a pre-training scene: ground materials, structures with
their sun shadows and a moored ship, with the ship chips' camera model.

The ship, the boxes, the shading and the camera (exposure, haze, blur,
resampling, noise) are :mod:`.render_optical`'s; this module adds the
ground: sea where the scene has water, textured land elsewhere.
"""
from dataclasses import replace
from typing import Dict

import numpy as np

from sdfnet_mm.structures import OPTICAL
from .render_optical import (OVERSAMPLE, draw_ship, draw_structure, finish,
                             fill_polygon, sample_look, sea, shade,
                             smooth_noise)
from .scene_model import Scene
from .ship_model import Colour

#: Linear RGB of each land material (before the per-patch tone).
GROUND_COLOURS: Dict[str, Colour] = {
    'concrete': (0.42, 0.42, 0.40), 'asphalt': (0.14, 0.14, 0.15),
    'grass': (0.14, 0.26, 0.09), 'crop': (0.30, 0.34, 0.13),
    'soil': (0.36, 0.27, 0.18), 'forest': (0.06, 0.15, 0.06),
    'sand': (0.55, 0.50, 0.38)}


def render_scene_optical(scene: Scene, rng: np.random.Generator
                         ) -> np.ndarray:
    """The scene's optical image, (H, W, 3) uint8 RGB, H x W =
    ``scene.size``. A moored ship leaves no wake."""
    pose = scene.frame_pose(OPTICAL)
    look = sample_look(rng, scene.px_per_m)
    if scene.ship is not None:
        look = replace(look, wake=0.0)
    shape = (scene.size[0] * OVERSAMPLE, scene.size[1] * OVERSAMPLE)

    def to_px(points: np.ndarray) -> np.ndarray:
        return pose.to_pixels(points, oversample=OVERSAMPLE)

    canvas = sea(rng, shape, look)
    land = np.zeros(shape, np.float32)
    ground = np.zeros(shape + (3, ), np.float32)
    for patch in scene.ground:
        polygon = to_px(patch.polygon)
        if patch.material == 'water':
            fill_polygon(land, polygon, 0.0)
            continue
        colour = np.clip(np.array(GROUND_COLOURS[patch.material]) *
                         patch.tone, 0, 1)
        fill_polygon(ground, polygon, tuple(colour.tolist()))
        fill_polygon(land, polygon, 1.0)
    grain = 1 + 0.1 * smooth_noise(rng, shape, 4) + 0.04 * rng.normal(
        0, 1, shape)
    canvas += land[..., None] * (ground * grain[..., None] - canvas)
    height = np.zeros(shape, np.float32)
    shadow = np.zeros(shape, np.float32)
    for box in scene.structures:
        draw_structure(canvas, height, shadow, box, 0.0, to_px, look)
    if scene.ship is not None:
        ship_pose = scene.ship_pose_for(OPTICAL)
        draw_ship(canvas, height, shadow, scene.ship,
                  lambda p: ship_pose.to_pixels(p, oversample=OVERSAMPLE),
                  look, rng)
    shade(canvas, height, shadow, look, rng)
    return finish(canvas, look, scene.size, rng)
