"""Splits, file names and the HOSS folder layout of the synthetic dataset.

Like HOSS: identities are split into disjoint train and test sets; a train
identity has ``train_per_modality`` optical and as many SAR chips in
``bounding_box_train/``; a test identity has one query (optical for half of
the test identities, SAR for the other half) in ``query/`` and, in
``bounding_box_test/``, ``gallery_cross`` chips of the other modality and
``gallery_same`` of the query's, so that All, O->S and S->O queries all
have true matches. Distractor ships (``-1_NNNN``) join the gallery.

Optical chips come in pairs from one satellite pass (same heading,
:class:`~.pose.Acquisition`), as the optical pairs of HOSS do; each SAR
chip has its own pass. Every chip is drawn from random streams keyed by
(seed, identity, capture) and (seed, identity, modality, pass) only, so
chips can be written in any order or in parallel with the same bytes.
"""
import os
import os.path as osp
import shutil
from dataclasses import dataclass
from functools import partial
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.utils import track_iter_progress, track_parallel_progress
from PIL import Image

from sdfnet_mm.chips import SUFFIX_OF_MODALITY
from sdfnet_mm.structures import OPTICAL, SAR
from .pose import sample_acquisition, sample_pose
from .render_optical import render_optical_chip
from .render_sar import render_sar_chip
from .ship_model import ShipModel
from .ship_sampler import sample_ship

TRAIN_DIR, QUERY_DIR, GALLERY_DIR = ('bounding_box_train', 'query',
                                     'bounding_box_test')
SPLIT_DIRS = (TRAIN_DIR, QUERY_DIR, GALLERY_DIR)
MAX_IDS = 9999  # ids are written with four digits
NUM_SEQUENCES = 5  # ``sXX``: acquisition campaigns, as in HOSS (s01-s05)
#: Consecutive optical chips come in pairs from one pass, like the optical
#: pairs of HOSS (near-same crops in other colours); SAR chips, mostly one
#: per ship in HOSS, each come from their own pass.
CHIPS_PER_PASS = {OPTICAL: 2, SAR: 1}
# Stream tags keep identity, distractor, split and pass randomness apart.
_IDENTITY, _DISTRACTOR, _SPLIT, _PASS = 1, 2, 3, 4


@dataclass(frozen=True)
class SyntheticSpec:
    """What to generate.

    Args:
        num_ids: Identities in all, train and test together (1..9999).
        seed: Seed of everything; the same seed gives the same bytes.
        test_fraction: Share of identities held out for testing.
        train_per_modality: Optical and SAR chips per train identity.
        gallery_cross: Test gallery chips in the other modality than the
            identity's query.
        gallery_same: Test gallery chips in the query's modality.
        num_distractors: Distractor chips (``-1_NNNN``) in the gallery,
            half optical; ``None`` means half as many as test identities.
    """
    num_ids: int = 300
    seed: int = 0
    test_fraction: float = 1 / 3
    train_per_modality: int = 3
    gallery_cross: int = 2
    gallery_same: int = 1
    num_distractors: Optional[int] = None

    def __post_init__(self) -> None:
        checks = (
            (2 <= self.num_ids <= MAX_IDS, 'num_ids', f'in [2, {MAX_IDS}]'),
            (self.seed >= 0, 'seed', '>= 0'),
            (0 < self.test_fraction < 1, 'test_fraction', 'in (0, 1)'),
            (self.train_per_modality >= 1, 'train_per_modality', '>= 1'),
            (self.gallery_cross >= 1, 'gallery_cross', '>= 1'),
            (self.gallery_same >= 0, 'gallery_same', '>= 0'),
            (self.num_distractors is None or self.num_distractors >= 0,
             'num_distractors', '>= 0 or None'),
        )
        for ok, name, expected in checks:
            if not ok:
                raise ValueError(f'SyntheticSpec: {name}='
                                 f'{getattr(self, name)!r}; '
                                 f'expected {expected}')
        if min(self.num_test_ids, self.num_ids - self.num_test_ids) < 1:
            raise ValueError(
                f'SyntheticSpec: num_ids={self.num_ids} with test_fraction='
                f'{self.test_fraction} leaves an empty split; expected at '
                'least one train and one test identity')

    @property
    def num_test_ids(self) -> int:
        return int(round(self.num_ids * self.test_fraction))

    @property
    def distractors(self) -> int:
        if self.num_distractors is None:
            return self.num_test_ids // 2
        return self.num_distractors


@dataclass(frozen=True)
class ChipJob:
    """One chip to write: ``folder/name`` of ``identity`` (-1: distractor).

    ``ship_key`` seeds the ship, ``ship_key + (capture,)`` the chip and
    ``ship_key + (_PASS, modality, acquisition)`` the pass it comes from.
    """
    folder: str
    name: str
    identity: int
    modality: int
    ship_key: Tuple[int, ...]
    capture: int
    acquisition: int


def ship_of(ship_key: Tuple[int, ...]) -> ShipModel:
    """The ship an identity (or distractor) key stands for."""
    return sample_ship(np.random.default_rng(ship_key))


def render_chip(job: ChipJob) -> np.ndarray:
    """The chip's pixels: (H, W, 3) uint8 optical or (H, W) float32 SAR."""
    ship = ship_of(job.ship_key)
    acquisition = sample_acquisition(np.random.default_rng(
        job.ship_key + (_PASS, job.modality, job.acquisition)))
    rng = np.random.default_rng(job.ship_key + (job.capture, ))
    pose = sample_pose(ship, job.modality, acquisition, rng)
    render = (render_optical_chip if job.modality == OPTICAL else
              render_sar_chip)
    return render(ship, pose, rng)


def write_chip(job: ChipJob, out_dir: str) -> str:
    """Render ``job`` and save it as an LZW TIFF; returns the path."""
    path = osp.join(out_dir, job.folder, job.name)
    Image.fromarray(render_chip(job)).save(path, compression='tiff_lzw')
    return path


def _chip_name(identity: int, sequence: int, capture: int,
               modality: int) -> str:
    return f'{identity:04d}_s{sequence:02d}c{capture}_{SUFFIX_OF_MODALITY[modality]}.tif'


def plan_dataset(spec: SyntheticSpec) -> List[ChipJob]:
    """Every chip of the dataset, train, query, gallery, then distractors."""
    rng = np.random.default_rng((spec.seed, _SPLIT))
    ids = np.arange(1, spec.num_ids + 1)
    test_ids = set(rng.permutation(ids)[:spec.num_test_ids].tolist())
    sequences = rng.integers(1, NUM_SEQUENCES + 1, spec.num_ids)
    query_modality = rng.permutation(np.arange(spec.num_test_ids) % 2)
    jobs, test_rank = [], 0
    for identity, sequence in zip(ids.tolist(), sequences.tolist()):
        key = (spec.seed, _IDENTITY, identity)
        if identity in test_ids:
            query = int(query_modality[test_rank])
            test_rank += 1
            plan = ([(QUERY_DIR, query)] +
                    [(GALLERY_DIR, 1 - query)] * spec.gallery_cross +
                    [(GALLERY_DIR, query)] * spec.gallery_same)
        else:
            plan = [(TRAIN_DIR, OPTICAL), (TRAIN_DIR, SAR)
                    ] * spec.train_per_modality
        seen = {OPTICAL: 0, SAR: 0}  # chips of each modality so far
        for capture, (folder, modality) in enumerate(plan, start=1):
            jobs.append(ChipJob(
                folder, _chip_name(identity, sequence, capture, modality),
                identity, modality, key, capture,
                seen[modality] // CHIPS_PER_PASS[modality]))
            seen[modality] += 1
    for number in range(1, spec.distractors + 1):
        modality = OPTICAL if number % 2 else SAR
        jobs.append(ChipJob(
            GALLERY_DIR, f'-1_{number:04d}_{SUFFIX_OF_MODALITY[modality]}.tif', -1,
            modality, (spec.seed, _DISTRACTOR, number), 0, 0))
    return jobs


def _prepare(out_dir: str, overwrite: bool) -> None:
    """Create the split folders, refusing to mix with existing chips."""
    for folder in SPLIT_DIRS:
        path = osp.join(out_dir, folder)
        if osp.isdir(path) and os.listdir(path):
            if not overwrite:
                raise FileExistsError(
                    f'{path} is not empty; expected a new or empty output '
                    'folder (pass overwrite=True / --overwrite to replace '
                    'the split folders)')
            shutil.rmtree(path)
        os.makedirs(path, exist_ok=True)


def run_jobs(write: Callable, jobs: Sequence, workers: int) -> None:
    """``write(job)`` for every job with a progress bar, in ``workers``
    processes (any order: every job draws from its own random stream)."""
    if workers < 1:
        raise ValueError(f'generate: workers={workers}; expected >= 1')
    if workers == 1:
        for job in track_iter_progress(list(jobs)):
            write(job)
    else:
        track_parallel_progress(write, list(jobs), nproc=workers,
                                chunksize=8)


def generate(out_dir: str, spec: SyntheticSpec, workers: int = 1,
             overwrite: bool = False) -> List[ChipJob]:
    """Write the whole dataset under ``out_dir`` with a progress bar.

    Raises:
        ValueError: when ``workers`` < 1.
        FileExistsError: when a split folder already holds files and
            ``overwrite`` is False.
    """
    if workers < 1:
        raise ValueError(f'generate: workers={workers}; expected >= 1')
    jobs = plan_dataset(spec)
    _prepare(out_dir, overwrite)
    run_jobs(partial(write_chip, out_dir=out_dir), jobs, workers)
    return jobs
