"""Generate synthetic co-registered optical-SAR pairs (OptiSar_Pair layout)
for the contrastive pre-training stage.

    python tools/make_synthetic_pairs.py --out data/synthetic_pairs
        [--num-pairs 2000] [--seed 0] [--kinds ship=0.5,harbour=0.25,land=0.25]
        [--workers 2] [--overwrite]

Writes ``OUT/{ship,harbour,land}/<kind>_<pair id>_{RGB|SAR}.{tif|png}``:
ships at sea, ships at a harbour quay (TIFF: uint8 RGB, float32 SAR) and
land with fields, roads, rivers and buildings (PNG: uint8 RGB, 8-bit SAR);
read it with ``OptiSARPairDataset(data_root=OUT)``. The set is written to
``OUT.partial`` and renamed when complete. The same arguments give the same
bytes, whatever ``--workers``; its ships are not identities of the synthetic
ReID set (``tools/make_synthetic_hoss.py``).
"""
import argparse
import os
import time
from collections import Counter
from typing import Tuple

from sdfnet_mm.synthetic import PairSpec, generate_pairs
from sdfnet_mm.synthetic.pair_writer import DEFAULT_KINDS

DEFAULT_OUT = 'data/synthetic_pairs'


def parse_kinds(text: str) -> Tuple[Tuple[str, float], ...]:
    """``ship=0.5,harbour=0.25,land=0.25`` -> (('ship', 0.5), ...)."""
    kinds = []
    for item in text.split(','):
        kind, _, weight = item.partition('=')
        try:
            kinds.append((kind.strip(), float(weight)))
        except ValueError as err:
            raise argparse.ArgumentTypeError(
                f'--kinds item {item!r}; expected KIND=WEIGHT, e.g. '
                'ship=0.5,harbour=0.25,land=0.25') from err
    return tuple(kinds)


def parse_args(argv=None) -> argparse.Namespace:
    defaults = PairSpec()
    parser = argparse.ArgumentParser(
        description='Generate synthetic optical-SAR pre-training pairs '
        '(OptiSar_Pair layout)')
    parser.add_argument('--out', default=DEFAULT_OUT,
                        help=f'output folder (default {DEFAULT_OUT})')
    parser.add_argument('--num-pairs', type=int, default=defaults.num_pairs,
                        help=f'pair ids (default {defaults.num_pairs})')
    parser.add_argument('--seed', type=int, default=defaults.seed,
                        help='random seed (>= 0)')
    parser.add_argument(
        '--kinds', type=parse_kinds, default=DEFAULT_KINDS,
        help='scene kinds and their shares (default ' + ','.join(
            f'{k}={w}' for k, w in DEFAULT_KINDS) + ')')
    parser.add_argument('--workers', type=int, default=os.cpu_count() or 1,
                        help='parallel processes (default: all CPUs)')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace --out if it exists')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    spec = PairSpec(num_pairs=args.num_pairs, seed=args.seed,
                    kinds=args.kinds)
    start = time.perf_counter()
    jobs = generate_pairs(args.out, spec, workers=args.workers,
                          overwrite=args.overwrite)
    seconds = time.perf_counter() - start
    print(f'\nwrote {len(jobs)} pairs ({2 * len(jobs)} images) to {args.out}'
          f' in {seconds:.1f} s ({args.workers} workers):')
    for kind, count in sorted(Counter(job.kind for job in jobs).items()):
        print(f'  {kind:<8} {count} pairs')


if __name__ == '__main__':
    main()
