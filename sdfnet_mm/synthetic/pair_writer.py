"""Synthetic co-registered optical-SAR pairs in TransOSS's ``OptiSar_Pair``
layout, for the contrastive pre-training stage (``tools/make_synthetic_pairs.py``).

Each pair id is one scene (:mod:`.scene_sampler`): a ship at sea, a ship at
a harbour quay, or land with fields, roads, a river and buildings, rendered
by both sensors on one pixel grid (:mod:`.render_scene_optical`,
:mod:`.render_scene_sar`; ship scenes by the ReID chip renderers). Layout::

    OUT/ship/ship_000001_RGB.tif       uint8 RGB
    OUT/ship/ship_000001_SAR.tif       float32 amplitude
    OUT/harbour/harbour_000002_{RGB,SAR}.tif
    OUT/land/land_000003_RGB.png       uint8 RGB
    OUT/land/land_000003_SAR.png       uint8 grey (dB stretch), as SEN1-2

Every pair draws from the stream keyed by (seed, pair tag, pair id); the ReID
set's ships use another tag, so no pre-training ship is a ReID identity.
"""
import os
import os.path as osp
import shutil
from dataclasses import dataclass
from functools import partial
from typing import List, Tuple

import numpy as np
from PIL import Image

from sdfnet_mm.chips import SUFFIX_OF_MODALITY, sar_to_rgb
from sdfnet_mm.structures import OPTICAL, SAR
from .render_optical import render_optical_chip
from .render_sar import render_sar_chip
from .render_scene_optical import render_scene_optical
from .render_scene_sar import render_scene_sar
from .scene_model import SCENE_KINDS
from .scene_sampler import sample_scene
from .writer import run_jobs

MAX_PAIRS = 999999  # pair ids are written with six digits
DEFAULT_KINDS = (('ship', 0.5), ('harbour', 0.25), ('land', 0.25))
#: Land pairs are PNGs with 8-bit SAR (as SEN1-2); the others TIFFs with
#: float32 SAR (as HOSS and DFC23).
EXTENSION = {'ship': 'tif', 'harbour': 'tif', 'land': 'png'}
# Stream tags, apart from the ReID writer's (1-4).
_PAIR, _KIND = 11, 12


@dataclass(frozen=True)
class PairSpec:
    """What to generate.

    Args:
        num_pairs: Pair ids (one optical and one SAR image each).
        seed: Seed of everything; the same seed gives the same bytes.
        kinds: (kind, weight) pairs; each kind gets its share of the ids
            (largest remainders), in a seeded random order.
    """
    num_pairs: int = 2000
    seed: int = 0
    kinds: Tuple[Tuple[str, float], ...] = DEFAULT_KINDS

    def __post_init__(self) -> None:
        if not 1 <= self.num_pairs <= MAX_PAIRS:
            raise ValueError(f'PairSpec: num_pairs={self.num_pairs}; '
                             f'expected in [1, {MAX_PAIRS}]')
        if self.seed < 0:
            raise ValueError(f'PairSpec: seed={self.seed}; expected >= 0')
        for kind, weight in self.kinds:
            if kind not in SCENE_KINDS or weight < 0:
                raise ValueError(f'PairSpec: kind {kind!r} with weight '
                                 f'{weight}; expected kinds of {SCENE_KINDS}'
                                 ' with weights >= 0')
        if sum(weight for _, weight in self.kinds) <= 0:
            raise ValueError('PairSpec: the kind weights sum to 0')


@dataclass(frozen=True)
class PairJob:
    """One pair to write: ``pair_id`` of ``kind``, drawn from ``key``."""
    kind: str
    pair_id: int
    key: Tuple[int, ...]

    def name(self, modality: int) -> str:
        """``<kind>/<kind>_<pair id>_{RGB|SAR}.<ext>``."""
        return (f'{self.kind}/{self.kind}_{self.pair_id:06d}_'
                f'{SUFFIX_OF_MODALITY[modality]}.{EXTENSION[self.kind]}')


def plan_pairs(spec: PairSpec) -> List[PairJob]:
    """Every pair of the set, ids 1..num_pairs."""
    weights = np.array([w for _, w in spec.kinds], float)
    shares = weights / weights.sum() * spec.num_pairs
    counts = np.floor(shares).astype(int)
    for i in np.argsort(-(shares - counts))[:spec.num_pairs - counts.sum()]:
        counts[i] += 1
    kinds = np.repeat([k for k, _ in spec.kinds], counts)
    kinds = np.random.default_rng((spec.seed, _KIND)).permutation(kinds)
    return [PairJob(str(kind), pair_id, (spec.seed, _PAIR, pair_id))
            for pair_id, kind in enumerate(kinds.tolist(), start=1)]


def render_pair(job: PairJob) -> Tuple[np.ndarray, np.ndarray]:
    """(H, W, 3) uint8 optical and (H, W) float32 SAR of one scene."""
    rng = np.random.default_rng(job.key)
    scene = sample_scene(job.kind, rng)
    if job.kind == 'ship':
        return (render_optical_chip(scene.ship, scene.ship_pose, rng),
                render_sar_chip(scene.ship, scene.ship_pose_for(SAR), rng))
    return render_scene_optical(scene, rng), render_scene_sar(scene, rng)


def write_pair(job: PairJob, out_dir: str) -> None:
    """Render ``job`` and save both images under ``out_dir``."""
    optical, sar = render_pair(job)
    if EXTENSION[job.kind] == 'png':
        sar = sar_to_rgb(sar, 'log')[..., 0]
    for modality, pixels in ((OPTICAL, optical), (SAR, sar)):
        path = osp.join(out_dir, job.name(modality))
        if path.endswith('.tif'):
            Image.fromarray(pixels).save(path, compression='tiff_lzw')
        else:
            Image.fromarray(pixels).save(path)


def generate_pairs(out_dir: str, spec: PairSpec, workers: int = 1,
                   overwrite: bool = False) -> List[PairJob]:
    """Write the whole set to ``out_dir`` with a progress bar.

    The images are written to ``out_dir + '.partial'`` and the folder is
    renamed when complete, so an interrupted run leaves no half set.

    Raises:
        ValueError: when ``workers`` < 1.
        FileExistsError: when ``out_dir`` exists and ``overwrite`` is False.
    """
    if workers < 1:
        raise ValueError(f'generate_pairs: workers={workers}; expected >= 1')
    if osp.exists(out_dir) and not overwrite:
        raise FileExistsError(f'{out_dir} exists; expected a new output '
                              'folder (pass overwrite=True / --overwrite to '
                              'replace it)')
    jobs = plan_pairs(spec)
    partial_dir = out_dir.rstrip('/') + '.partial'
    shutil.rmtree(partial_dir, ignore_errors=True)
    for kind in {job.kind for job in jobs}:
        os.makedirs(osp.join(partial_dir, kind))
    run_jobs(partial(write_pair, out_dir=partial_dir), jobs, workers)
    if osp.exists(out_dir):
        shutil.rmtree(out_dir)
    os.replace(partial_dir, out_dir)
    return jobs
