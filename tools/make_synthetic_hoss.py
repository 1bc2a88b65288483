"""Generate the synthetic optical-SAR ship dataset in the HOSS layout.

    python tools/make_synthetic_hoss.py [--out data/synthetic_hoss]
        [--num-ids 300] [--seed 0] [--test-fraction 0.333]
        [--train-per-modality 3] [--gallery-cross 2] [--gallery-same 1]
        [--num-distractors N] [--workers 2] [--overwrite]

Writes ``bounding_box_train/``, ``query/`` and ``bounding_box_test/`` with
``PPPP_sXXcY_{RGB|SAR}.tif`` chips (optical uint8 RGB, SAR float32) and
``-1_NNNN_{RGB|SAR}.tif`` distractors; read it with
``HOSSDataset(data_root=OUT, split='train' | 'test')``. The same arguments
give the same bytes, whatever ``--workers``.
"""
import argparse
import os
import time
from collections import Counter

from sdfnet_mm.chips import SUFFIX_OF_MODALITY
from sdfnet_mm.synthetic import SyntheticSpec, generate

DEFAULT_OUT = 'data/synthetic_hoss'


def parse_args(argv=None) -> argparse.Namespace:
    defaults = SyntheticSpec()
    parser = argparse.ArgumentParser(
        description='Generate synthetic optical-SAR ship ReID data (HOSS '
        'layout)')
    parser.add_argument('--out', default=DEFAULT_OUT,
                        help=f'output folder (default {DEFAULT_OUT})')
    parser.add_argument('--num-ids', type=int, default=defaults.num_ids,
                        help='identities in all, train + test (default '
                        f'{defaults.num_ids})')
    parser.add_argument('--seed', type=int, default=defaults.seed,
                        help='random seed (>= 0)')
    parser.add_argument('--test-fraction', type=float,
                        default=defaults.test_fraction,
                        help='share of identities held out for testing')
    parser.add_argument('--train-per-modality', type=int,
                        default=defaults.train_per_modality,
                        help='optical and SAR chips per train identity')
    parser.add_argument('--gallery-cross', type=int,
                        default=defaults.gallery_cross,
                        help='gallery chips per test identity in the other '
                        'modality than its query')
    parser.add_argument('--gallery-same', type=int,
                        default=defaults.gallery_same,
                        help="gallery chips per test identity in its query's "
                        'modality')
    parser.add_argument('--num-distractors', type=int, default=None,
                        help='distractor chips in the gallery (default: half '
                        'the number of test identities)')
    parser.add_argument('--workers', type=int, default=os.cpu_count() or 1,
                        help='parallel processes (default: all CPUs)')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace existing split folders under --out')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    spec = SyntheticSpec(
        num_ids=args.num_ids,
        seed=args.seed,
        test_fraction=args.test_fraction,
        train_per_modality=args.train_per_modality,
        gallery_cross=args.gallery_cross,
        gallery_same=args.gallery_same,
        num_distractors=args.num_distractors)
    start = time.perf_counter()
    jobs = generate(args.out, spec, workers=args.workers,
                    overwrite=args.overwrite)
    seconds = time.perf_counter() - start
    counts = Counter((job.folder, SUFFIX_OF_MODALITY[job.modality]) for job in jobs)
    print(f'\nwrote {len(jobs)} chips to {args.out} in {seconds:.1f} s '
          f'({args.workers} workers):')
    for (folder, suffix), count in sorted(counts.items()):
        print(f'  {folder:<20} {suffix}: {count}')


if __name__ == '__main__':
    main()
