"""SAR image of a pre-training scene on the optical image's pixel grid.

Sea clutter, the ship (hull, deck, walls, point targets), the boxes' walls
and layover, speckle, the impulse response and the calibration are
:mod:`.render_sar`'s; this module adds the land: a textured backscatter per
material, roofs, and buildings' walls as bright dihedrals.
"""
from typing import Dict

import numpy as np

from sdfnet_mm.structures import SAR
from .render_optical import fill_polygon
from .render_sar import (PAD, add_point_targets, add_structures, detect,
                         glints, sample_look, ship_point_targets,
                         ship_reflectivity, speckle, texture)
from .scene_model import Scene

#: Mean backscatter of each land material, relative to a bare ship deck.
GROUND_BACKSCATTER: Dict[str, float] = {
    'concrete': 0.10, 'asphalt': 0.01, 'grass': 0.06, 'crop': 0.09,
    'soil': 0.04, 'forest': 0.20, 'sand': 0.02}
#: Roof fill and wall backscatter of structures on land, relative to the
#: ship deck's box values (:data:`.render_sar._BACKSCATTER`).
STRUCTURE_SCALE = 0.002


def render_scene_sar(scene: Scene, rng: np.random.Generator) -> np.ndarray:
    """The scene's SAR image, (H, W) float32 amplitude > 0, H x W =
    ``scene.size``, co-registered with :func:`render_scene_optical`."""
    look = sample_look(scene.acquisition, rng)
    height, width = scene.size
    shape = (height + 2 * PAD, width + 2 * PAD)
    pose = scene.frame_pose(SAR)

    def to_px(points: np.ndarray) -> np.ndarray:
        return pose.to_pixels(points, offset=PAD)

    if scene.ship is not None:
        ship_pose = scene.ship_pose_for(SAR)

        def ship_px(points: np.ndarray) -> np.ndarray:
            return ship_pose.to_pixels(points, offset=PAD)

        sigma = ship_reflectivity(scene.ship, ship_px, look,
                                  scene.px_per_m, rng, shape)
    else:
        sigma = look.sea * texture(rng, shape, 3, look.clutter_shape) + \
            look.noise
    land = np.zeros(shape, np.float32)
    level = np.zeros(shape, np.float32)
    for patch in scene.ground:
        polygon = to_px(patch.polygon)
        if patch.material == 'water':
            fill_polygon(land, polygon, 0.0)
            continue
        fill_polygon(level, polygon,
                     GROUND_BACKSCATTER[patch.material] * patch.tone)
        fill_polygon(land, polygon, 1.0)
    ground = look.deck * level * texture(rng, shape, 4, 3.0) + look.noise
    sigma += land * (ground - sigma)
    roofs = np.zeros(shape, np.float32)
    walls = np.zeros(shape, np.float32)
    add_structures(roofs, walls, scene.structures, 0.0, to_px, look,
                   scene.px_per_m)
    sigma = np.where(roofs > 0, look.deck * STRUCTURE_SCALE * roofs, sigma)
    sigma += look.deck * STRUCTURE_SCALE * walls * glints(rng, shape)
    field = speckle(sigma, rng)
    if scene.ship is not None:
        where, power = ship_point_targets(scene.ship, ship_px, look,
                                          scene.px_per_m, rng)
        add_point_targets(field, where, power, rng)
    return detect(field, look, scene.size)
