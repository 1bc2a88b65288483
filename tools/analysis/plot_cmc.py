"""Plot CMC curves of one or several per-query result files.

    python tools/analysis/plot_cmc.py RESULT.json [RESULT2.json ...]
        --out cmc.png [--max-rank 20] [--labels NAME [NAME ...]]

Each RESULT.json is written by ``tools/test.py --out``. The figure has
three panels, All, O->S and S->O, one curve per file (labels default to the
file names); CMC(k) is the percentage of evaluated queries whose first true
match is at rank k or better. The PNG is ``FIGSIZE * DPI`` pixels.
"""
import argparse
import os.path as osp
from typing import Optional, Sequence

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from mmengine.utils import mkdir_or_exist  # noqa: E402

from sdfnet_mm.evaluation import CMC_RANKS  # noqa: E402
from sdfnet_mm.structures import (SETTING_TITLES,  # noqa: E402
                                  PerQueryResult, PerQueryResults)

#: Panels: setting key and title.
PANELS = tuple(SETTING_TITLES.items())
FIGSIZE = (12, 4)  # inches
DPI = 100


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Plot CMC curves')
    parser.add_argument('results', nargs='+',
                        help='per-query result files of tools/test.py --out')
    parser.add_argument('--out', required=True, help='output .png file')
    parser.add_argument('--max-rank', type=int, default=20,
                        help='last rank on the x axis')
    parser.add_argument('--labels', nargs='+',
                        help='one legend label per result file')
    args = parser.parse_args(argv)
    if args.labels and len(args.labels) != len(args.results):
        parser.error(f'{len(args.labels)} --labels for {len(args.results)} '
                     'result files; expected one per file')
    if args.max_rank < 1:
        parser.error(f'--max-rank {args.max_rank}; expected >= 1')
    return args


def cmc_curve(entries: Sequence[PerQueryResult], max_rank: int) -> Optional[np.ndarray]:
    """CMC in percent at ranks 1..max_rank over the evaluated queries.

    Returns:
        np.ndarray | None: (max_rank,) float64, None when no query of
        ``entries`` was evaluated.
    """
    ranks = np.array([e.first_match_rank for e in entries if e.evaluated],
                     dtype=np.int64)
    if not len(ranks):
        return None
    return (ranks[:, None] <= np.arange(1, max_rank + 1)).mean(0) * 100


def plot_cmc(curves: Sequence[dict], labels: Sequence[str], max_rank: int,
             out: str) -> None:
    """Write the three-panel figure; ``curves[i]`` maps a setting to its
    curve (or None) for result file ``i``."""
    figure, axes = plt.subplots(1, len(PANELS), figsize=FIGSIZE, dpi=DPI)
    ranks = np.arange(1, max_rank + 1)
    for axis, (setting, title) in zip(axes, PANELS):
        for file_curves, label in zip(curves, labels):
            curve = file_curves.get(setting)
            if curve is not None:
                axis.plot(ranks, curve, marker='.',
                          label=f'{label} (R1 {curve[0]:.1f})')
        if axis.lines:
            axis.legend(loc='lower right', fontsize='small')
        else:
            axis.text(0.5, 0.5, 'no evaluated queries', ha='center',
                      transform=axis.transAxes)
        axis.set(title=title, xlabel='rank', ylabel='CMC (%)',
                 xlim=(1, max_rank), ylim=(0, 100))
        axis.grid(alpha=0.3)
    figure.tight_layout()
    mkdir_or_exist(osp.dirname(osp.abspath(out)))
    figure.savefig(out, dpi=DPI)
    plt.close(figure)


def main(argv=None) -> None:
    args = parse_args(argv)
    labels = args.labels or [
        osp.splitext(osp.basename(path))[0] for path in args.results
    ]
    curves = []
    for path, label in zip(args.results, labels):
        settings = PerQueryResults.load(path).settings
        file_curves = {
            setting: cmc_curve(settings.get(setting, []), args.max_rank)
            for setting, _ in PANELS
        }
        curves.append(file_curves)
        for setting, title in PANELS:
            curve = file_curves[setting]
            if curve is not None:
                shown = ', '.join(f'R{k} {curve[k - 1]:.1f}'
                                  for k in CMC_RANKS if k <= args.max_rank)
                print(f'{label} {title}: {shown}')
    plot_cmc(curves, labels, args.max_rank, args.out)
    print(f'CMC curves written to {args.out}')


if __name__ == '__main__':
    main()
