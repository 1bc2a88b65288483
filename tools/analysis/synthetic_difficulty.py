"""How hard is a HOSS-layout test split for hand-made descriptors?

    python tools/analysis/synthetic_difficulty.py
        [--data-root data/synthetic_hoss]

Prints retrieval mAP (%) of training-free descriptors on the test split
(query vs gallery, distractors kept, queries without a true match skipped):
``random`` (chance), ``pixels`` (the chip as a 64x32 grey image; SAR with
the authors' max stretch), ``size`` (chip height and width in metres, i.e.
what the ship-size token sees) and ``profile`` (the hull's width profile
along the keel from a thresholded chip, either heading, plus ``size``).
Settings: All (mixed), O->S, S->O, and the same-modality O->O and S->S.
A learnable but not trivial split has ``pixels`` near chance across
modalities, better within one, and the geometric descriptors well above
chance but far below 100.
"""
import argparse
from typing import Callable, Dict, List

import cv2
import numpy as np
from PIL import Image

from sdfnet_mm.chips import sar_to_rgb
from sdfnet_mm.datasets import HOSSDataset
from sdfnet_mm.evaluation import reference_ranking, summarize_ranking
from sdfnet_mm.structures import OPTICAL, SAR

SETTINGS = {
    'All': (None, None),
    'O->S': (OPTICAL, SAR),
    'S->O': (SAR, OPTICAL),
    'O->O': (OPTICAL, OPTICAL),
    'S->S': (SAR, SAR),
}
PROFILE_BINS = 32


def grey(path: str, modality: int) -> np.ndarray:
    """The chip as (H, W) float32 in [0, 1]."""
    with Image.open(path) as img:
        pixels = np.asarray(img)
    if modality == SAR:
        return sar_to_rgb(pixels, 'max')[..., 0].astype(np.float32) / 255
    return pixels.astype(np.float32).mean(axis=2) / 255


def pixel_descriptor(chip: np.ndarray) -> np.ndarray:
    small = cv2.resize(chip, (32, 64), interpolation=cv2.INTER_AREA).ravel()
    small = small - small.mean()
    return small / (np.linalg.norm(small) + 1e-9)


def width_profile(chip: np.ndarray, modality: int) -> np.ndarray:
    """Share of each row above an Otsu threshold, in PROFILE_BINS rows."""
    if modality == SAR:
        chip = np.log(chip + 1e-3)
    scaled = cv2.normalize(chip, None, 0, 255, cv2.NORM_MINMAX)
    _, mask = cv2.threshold(scaled.astype(np.uint8), 0, 1,
                            cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    rows = mask.mean(axis=1).astype(np.float32)[:, None]
    return cv2.resize(rows, (1, PROFILE_BINS),
                      interpolation=cv2.INTER_AREA).ravel()


def euclidean(q: np.ndarray, g: np.ndarray) -> np.ndarray:
    return ((q[:, None, :] - g[None, :, :])**2).sum(-1)


def profile_distance(q: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Size distance plus the profile distance over both headings."""
    size = euclidean(q[:, :2], g[:, :2])
    prof_q, prof_g = q[:, 2:], g[:, 2:]
    same = euclidean(prof_q, prof_g)
    turned = euclidean(prof_q, prof_g[:, ::-1])
    return size + np.minimum(same, turned) / PROFILE_BINS * 4


def describe(infos: List[dict], seed: int) -> Dict[str, tuple]:
    """Each descriptor as (features (N, D), distance function)."""
    pixels, profiles = [], []
    for info in infos:
        chip = grey(info['img_path'], info['modality'])
        pixels.append(pixel_descriptor(chip))
        profiles.append(width_profile(chip, info['modality']))
    size = np.log(np.array([info['chip_size_m'] for info in infos]))
    size = (size - size.mean(0)) / size.std(0)
    rng = np.random.default_rng(seed)
    return {
        'random': (rng.normal(size=(len(infos), 8)), euclidean),
        'pixels': (np.array(pixels), euclidean),
        'size': (size, euclidean),
        'profile': (np.concatenate([size, np.array(profiles)], 1),
                    profile_distance),
    }


def evaluate(data_root: str, seed: int = 0) -> Dict[str, Dict[str, float]]:
    """mAP (%) per descriptor and setting on the test split."""
    dataset = HOSSDataset(data_root=data_root, split='test')
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    is_query = np.array([info['is_query'] for info in infos])
    modality = np.array([info['modality'] for info in infos])
    ids = np.array([info['identity'] for info in infos])
    results: Dict[str, Dict[str, float]] = {}
    for name, (features, distance) in describe(infos, seed).items():
        distance_fn: Callable = distance
        results[name] = {}
        for setting, (q_mod, g_mod) in SETTINGS.items():
            q = is_query & ((modality == q_mod) if q_mod is not None else True)
            g = ~is_query & ((modality == g_mod)
                             if g_mod is not None else True)
            dist = distance_fn(features[q], features[g])
            stats = reference_ranking(dist, ids[q], modality[q], ids[g],
                                      modality[g])
            results[name][setting] = summarize_ranking(stats)['mAP']
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', default='data/synthetic_hoss')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the random (chance) descriptor')
    args = parser.parse_args(argv)
    results = evaluate(args.data_root, args.seed)
    print(f"{'mAP %':<10}" + ''.join(f'{s:>8}' for s in SETTINGS))
    for name, row in results.items():
        print(f'{name:<10}' + ''.join(f'{row[s]:8.1f}' for s in SETTINGS))


if __name__ == '__main__':
    main()
