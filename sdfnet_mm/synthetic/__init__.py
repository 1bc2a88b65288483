"""Synthetic optical-SAR data: ship ReID chips in the HOSS layout and
co-registered pre-training pairs in the OptiSar_Pair layout.

HOSS ReID cannot be downloaded by the program, so the demo, tests and
benchmarks use this deterministic stand-in: each identity is one rigid ship
(:mod:`.ship_model`), seen by an optical camera (:mod:`.render_optical`)
and a SAR sensor (:mod:`.render_sar`) in tight vertical chips
(:mod:`.pose`), written as HOSS folders and file names (:mod:`.writer`).
Pre-training pairs (:mod:`.pair_writer`) are scenes (:mod:`.scene_model`,
:mod:`.scene_sampler`) of ships, harbours and land rendered by both sensors
on one pixel grid (:mod:`.render_scene_optical`, :mod:`.render_scene_sar`).
Generate with ``tools/make_synthetic_hoss.py`` and
``tools/make_synthetic_pairs.py``.
"""
from .pair_writer import (PairJob, PairSpec, generate_pairs, plan_pairs,
                          render_pair)
from .pose import (CHIP_HEIGHT, CHIP_WIDTH, Acquisition, ChipPose,
                   sample_acquisition, sample_pose)
from .render_optical import render_optical_chip
from .render_sar import render_sar_chip
from .render_scene_optical import render_scene_optical
from .render_scene_sar import render_scene_sar
from .scene_model import SCENE_KINDS, GroundPatch, Scene
from .scene_sampler import sample_scene
from .ship_model import SHIP_CLASSES, Box, ShipModel
from .ship_sampler import sample_ship
from .writer import (ChipJob, SyntheticSpec, generate, plan_dataset,
                     render_chip, ship_of, write_chip)

__all__ = [
    'PairJob', 'PairSpec', 'generate_pairs', 'plan_pairs', 'render_pair',
    'CHIP_HEIGHT', 'CHIP_WIDTH', 'Acquisition', 'ChipPose',
    'sample_acquisition', 'sample_pose', 'render_optical_chip',
    'render_sar_chip', 'render_scene_optical', 'render_scene_sar',
    'SCENE_KINDS', 'GroundPatch', 'Scene', 'sample_scene', 'SHIP_CLASSES',
    'Box', 'ShipModel', 'sample_ship', 'ChipJob', 'SyntheticSpec',
    'generate', 'plan_dataset', 'render_chip', 'ship_of', 'write_chip'
]
