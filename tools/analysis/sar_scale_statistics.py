"""Can the scale of a SAR chip (amplitude, intensity, dB) be told from its
values? The measurement behind the rules of ``sdfnet_mm.chips.sar_scale``.

    python tools/analysis/sar_scale_statistics.py
        [--data-root ../shared/data/hoss_samples]

Every SAR chip under the root (``*_SAR.tif``, HOSS float32 amplitude) is
taken as amplitude ``A`` and as intensity ``A**2``. For three statistics of
the positive values (std of ``ln x``, coefficient of variation, mean /
median) it prints their range in each class and the best accuracy one
threshold reaches between the classes. It also prints, for the chips in dB
(``20 log10 A``), the smallest ``-min / max`` (the dB rule needs >= 1) and
the share of negative values.
"""
import argparse
from pathlib import Path
from typing import Callable, Dict

import numpy as np

from sdfnet_mm.chips import read_chip

STATISTICS: Dict[str, Callable[[np.ndarray], float]] = {
    'std(ln x)': lambda x: float(np.std(np.log(x))),
    'std / mean': lambda x: float(np.std(x) / np.mean(x)),
    'mean / median': lambda x: float(np.mean(x) / np.median(x)),
}


def best_threshold_accuracy(low: np.ndarray, high: np.ndarray) -> float:
    """Best share of ``low`` below and ``high`` at or above one threshold
    (either way round)."""
    both = np.concatenate([low, high])
    best = 0.0
    for threshold in both:
        right = (np.sum(low < threshold) +
                 np.sum(high >= threshold)) / len(both)
        best = max(best, right, 1 - right)
    return float(best)


def measure(root: Path) -> dict:
    """``{statistic: (amplitude values, intensity values)}`` and the dB
    margins, over the SAR chips under ``root``."""
    paths = sorted(root.rglob('*_SAR.tif'))
    if not paths:
        raise FileNotFoundError(f'{root}: no *_SAR.tif chips')
    values = {name: ([], []) for name in STATISTICS}
    ratios, negative = [], []
    for path in paths:
        amplitude = read_chip(str(path))[1].astype(np.float64)
        positive = amplitude[amplitude > 0]
        for name, statistic in STATISTICS.items():
            values[name][0].append(statistic(positive))
            values[name][1].append(statistic(positive**2))
        decibel = 20 * np.log10(positive)
        ratios.append(-decibel.min() / decibel.max())
        negative.append(float(np.mean(decibel < 0)))
    return dict(
        chips=len(paths),
        statistics={
            k: (np.array(a), np.array(i))
            for k, (a, i) in values.items()
        },
        db_ratio=np.array(ratios),
        db_negative=np.array(negative))


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', default='../shared/data/hoss_samples')
    args = parser.parse_args(argv)
    result = measure(Path(args.data_root))
    print(f'{result["chips"]} SAR chips as amplitude A and intensity A**2')
    print(f'{"statistic":<14} {"amplitude min/med/max":>24} '
          f'{"intensity min/med/max":>24} {"best threshold":>15}')
    for name, (amp, inten) in result['statistics'].items():
        spans = [
            f'{v.min():.3f}/{np.median(v):.3f}/{v.max():.3f}'
            for v in (amp, inten)
        ]
        print(f'{name:<14} {spans[0]:>24} {spans[1]:>24} '
              f'{best_threshold_accuracy(amp, inten):>14.1%}')
    print(f'in dB: min(-min / max) = {result["db_ratio"].min():.2f}, '
          f'negative values {result["db_negative"].min():.1%} .. '
          f'{result["db_negative"].max():.1%} of a chip')
    return result


if __name__ == '__main__':
    main()
