"""Synthetic optical-SAR ship re-identification data in the HOSS layout.

HOSS ReID cannot be downloaded by the program, so the demo, tests and
benchmarks use this deterministic stand-in: each identity is one rigid ship
(:mod:`.ship_model`), seen by an optical camera (:mod:`.render_optical`)
and a SAR sensor (:mod:`.render_sar`) in tight vertical chips
(:mod:`.pose`), written as HOSS folders and file names (:mod:`.writer`).
Generate with ``tools/make_synthetic_hoss.py``.
"""
from .pose import (CHIP_HEIGHT, CHIP_WIDTH, Acquisition, ChipPose,
                   sample_acquisition, sample_pose)
from .render_optical import render_optical_chip
from .render_sar import render_sar_chip
from .ship_model import SHIP_CLASSES, Box, ShipModel
from .ship_sampler import sample_ship
from .writer import (ChipJob, SyntheticSpec, generate, plan_dataset,
                     render_chip, ship_of, write_chip)

__all__ = [
    'CHIP_HEIGHT', 'CHIP_WIDTH', 'Acquisition', 'ChipPose',
    'sample_acquisition', 'sample_pose', 'render_optical_chip',
    'render_sar_chip', 'SHIP_CLASSES', 'Box', 'ShipModel', 'sample_ship',
    'ChipJob', 'SyntheticSpec', 'generate', 'plan_dataset', 'render_chip',
    'ship_of', 'write_chip'
]
