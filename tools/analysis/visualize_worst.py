"""Draw the ranked lists of the queries with the lowest average precision.

    python tools/analysis/visualize_worst.py RESULT.json --out DIR
        [--num 10] [--setting all] [--height 128]

RESULT.json is written by ``tools/test.py --out``; the chips are read from
the paths it holds. Among the evaluated queries of ``--setting`` (``all``,
``o2s`` or ``s2o``), the ``--num`` with the lowest AP (ties in file order)
are drawn as ``DIR/<place>_<query name>.png`` (place 01 = lowest AP): the
query and its top-k gallery chips, framed green (same id) or red.
"""
import argparse
import os.path as osp
from typing import List, Sequence

from mmengine.utils import track_iter_progress

from sdfnet_mm.structures import PerQueryResult, PerQueryResults
from sdfnet_mm.visualization import draw_query_result, save_picture


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Ranked lists of the lowest-AP queries')
    parser.add_argument('result', help='per-query results of tools/test.py')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--num', type=int, default=10,
                        help='number of queries drawn')
    parser.add_argument('--setting', default='all',
                        help='evaluation setting: all, o2s or s2o')
    parser.add_argument('--height', type=int, default=128,
                        help='chip height in the pictures (px)')
    return parser.parse_args(argv)


def worst_queries(entries: Sequence[PerQueryResult],
                  num: int) -> List[PerQueryResult]:
    """The ``num`` evaluated entries of lowest AP, lowest first (a stable
    sort: equal APs keep file order)."""
    evaluated = [entry for entry in entries if entry.evaluated]
    return sorted(evaluated, key=lambda entry: entry.ap)[:num]


def main(argv=None) -> None:
    args = parse_args(argv)
    settings = PerQueryResults.load(args.result).settings
    if args.setting not in settings:
        raise KeyError(f'{args.result}: no setting {args.setting!r}; it has '
                       f'{sorted(settings)}')
    worst = worst_queries(settings[args.setting], args.num)
    if not worst:
        raise ValueError(f'{args.result}: no evaluated query in setting '
                         f'{args.setting!r}')
    for place, entry in enumerate(track_iter_progress(worst), start=1):
        picture = draw_query_result(entry, height=args.height)
        name = osp.splitext(osp.basename(entry.query))[0]
        save_picture(picture,
                         osp.join(args.out, f'{place:02d}_{name}.png'))
    print(f'\n{"place":>5}  {"AP":>6}  {"first match":>11}  query')
    for place, entry in enumerate(worst, start=1):
        print(f'{place:5d}  {entry.ap:6.3f}  '
              f'{entry.first_match_rank:11d}  {entry.query}')
    print(f'pictures written to {args.out}')


if __name__ == '__main__':
    main()
