"""Montage of synthetic optical/SAR chips next to real HOSS samples.

    python tools/analysis/synthetic_montage.py
        [--data-root data/synthetic_hoss]
        [--real-root ../shared/data/hoss_samples]
        [--out docs/synthetic_montage.png]

Top row: real HOSS identities, bottom row: synthetic ones (train split,
picked across the range of ship lengths); per identity, its optical chips
then its SAR chips (SAR shown as a dB stretch). All tiles share one scale
in pixels per metre, so the two modalities of a ship, and real and
synthetic ships, compare in size. The real samples are read in place.
"""
import argparse
import os
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Tuple

import cv2
import numpy as np
from PIL import Image

from sdfnet_mm.chips import GSD_M, parse_hoss_name, sar_to_rgb
from sdfnet_mm.structures import OPTICAL

BACKGROUND = 255
GAP, ID_GAP, MARGIN, LABEL_H = 2, 10, 8, 22


def load_tile(path: str, px_per_m: float) -> np.ndarray:
    """The chip as uint8 RGB at ``px_per_m`` (SAR: dB stretch)."""
    modality = parse_hoss_name(path).modality
    with Image.open(path) as img:
        pixels = np.asarray(img)
    if modality != OPTICAL:
        pixels = sar_to_rgb(pixels, 'log')
    scale = GSD_M[modality] * px_per_m
    height, width = pixels.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)


def chips_by_identity(folders: List[str]) -> Dict[int, List[str]]:
    """Paths per identity (distractors left out), optical first."""
    chips = defaultdict(list)
    for folder in folders:
        if not osp.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            identity, modality = parse_hoss_name(name)
            if identity >= 0:
                chips[identity].append((modality, osp.join(folder, name)))
    return {pid: [path for _, path in sorted(items)]
            for pid, items in chips.items()}


def pick_identities(chips: Dict[int, List[str]], count: int) -> List[int]:
    """Identities with both modalities, spread over the chip lengths."""
    both = [pid for pid, paths in chips.items()
            if len({parse_hoss_name(p).modality for p in paths}) == 2]
    if len(both) < count:
        raise ValueError(f'only {len(both)} identities have both '
                         f'modalities; expected at least {count}')

    def length(pid: int) -> int:
        with Image.open(chips[pid][0]) as img:
            return img.size[1]

    ordered = sorted(both, key=length)
    return [ordered[i] for i in np.linspace(0, len(ordered) - 1, count,
                                            dtype=int)]


def compose_row(groups: List[List[np.ndarray]], label: str) -> np.ndarray:
    """Tiles side by side, a wider gap between identities, a label above."""
    height = max(t.shape[0] for group in groups for t in group)
    width = sum(sum(t.shape[1] + GAP for t in group) - GAP + ID_GAP
                for group in groups) - ID_GAP
    row = np.full((LABEL_H + height, width, 3), BACKGROUND, np.uint8)
    cv2.putText(row, label, (0, LABEL_H - 7), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                (0, 0, 0), 1, cv2.LINE_AA)
    x = 0
    for group in groups:
        for tile in group:
            row[LABEL_H:LABEL_H + tile.shape[0], x:x + tile.shape[1]] = tile
            x += tile.shape[1] + GAP
        x += ID_GAP - GAP
    return row


def stack_rows(rows: List[np.ndarray]) -> np.ndarray:
    width = max(r.shape[1] for r in rows) + 2 * MARGIN
    height = sum(r.shape[0] + MARGIN for r in rows) + MARGIN
    canvas = np.full((height, width, 3), BACKGROUND, np.uint8)
    y = MARGIN
    for row in rows:
        canvas[y:y + row.shape[0], MARGIN:MARGIN + row.shape[1]] = row
        y += row.shape[0] + MARGIN
    return canvas


def build(data_root: str, real_root: str, count: int,
          px_per_m: float) -> Tuple[np.ndarray, List[int], List[int]]:
    """The montage and the real and synthetic identities it shows."""
    real = chips_by_identity([osp.join(real_root, f) for f in
                              ('bounding_box_train', 'query',
                               'bounding_box_test')])
    synthetic = chips_by_identity([osp.join(data_root, 'bounding_box_train')])
    if not synthetic:
        raise FileNotFoundError(
            f'no synthetic chips under {data_root}/bounding_box_train; '
            'expected the output of tools/make_synthetic_hoss.py')
    real_ids = pick_identities(real, count)
    synthetic_ids = pick_identities(synthetic, count)
    rows = [
        compose_row([[load_tile(p, px_per_m) for p in real[pid]]
                     for pid in real_ids],
                    'real HOSS ReID (optical chips, then SAR in dB)'),
        compose_row([[load_tile(p, px_per_m) for p in synthetic[pid]]
                     for pid in synthetic_ids],
                    'synthetic (tools/make_synthetic_hoss.py), same scale'),
    ]
    return stack_rows(rows), real_ids, synthetic_ids


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', default='data/synthetic_hoss')
    parser.add_argument('--real-root', default='../shared/data/hoss_samples')
    parser.add_argument('--out', default='docs/synthetic_montage.png')
    parser.add_argument('--ids', type=int, default=7,
                        help='identities per row')
    parser.add_argument('--px-per-m', type=float, default=0.7,
                        help='tile scale in pixels per metre')
    args = parser.parse_args(argv)
    if args.ids < 1 or args.px_per_m <= 0:
        parser.error('--ids must be >= 1 and --px-per-m > 0')
    montage, real_ids, synthetic_ids = build(args.data_root, args.real_root,
                                             args.ids, args.px_per_m)
    # A 256-colour palette keeps the PNG small (< 500 KB) for the docs.
    Image.fromarray(montage).quantize(256, Image.Quantize.MEDIANCUT).save(
        args.out, optimize=True)
    print(f'{args.out}: {montage.shape[1]}x{montage.shape[0]} px, '
          f'{osp.getsize(args.out) / 1024:.0f} KB; real ids {real_ids}, '
          f'synthetic ids {synthetic_ids}')


if __name__ == '__main__':
    main()
