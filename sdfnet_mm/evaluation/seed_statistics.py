"""Statistics of a multi-seed study (``tools/analysis/multi_seed.py``):
mean ± sample std over seeds, and the paired difference of two configs with
a bootstrap interval over test queries.

Paired bootstrap (two configs A, the reference, and B; the seeds both ran,
s = 1..S; one setting and one metric, mAP or R1):

1. ``x[c, s, q]``: query q's score in run (c, s), in percent: its AP for
   mAP, 1 if its first true match is at rank 1 for R1. The Q evaluated
   queries must be the same in every run (the same test split); they are
   aligned by file name.
2. ``d[q] = mean_s (x[B, s, q] - x[A, s, q])``.
3. ``rng = numpy.random.default_rng(seed)``; for each replicate b = 1..N in
   turn, ``index = rng.integers(0, Q, size=Q)`` (Q queries drawn with
   replacement, the same draw for both configs and every seed) and
   ``delta[b] = mean(d[index])``, i.e. the mean over seeds of B's metric
   minus A's on the resampled queries.
4. The interval: ``numpy.percentile(delta, [2.5, 97.5])`` (linear
   interpolation) for level 0.95.

It measures how much the difference depends on which test queries were
drawn, the trained models held fixed; the seed-to-seed spread is the
separate mean ± std of the per-seed differences.
"""
import math
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import numpy as np

from sdfnet_mm.structures import PerQueryResults

#: The metrics a study reports, from per-query scores.
STUDY_METRICS = ('mAP', 'R1')


@dataclass(frozen=True)
class QueryScores:
    """The evaluated queries of one run in one setting.

    Attributes:
        queries (tuple): (E,) query files.
        ap (np.ndarray): (E,) AP in [0, 1].
        hit1 (np.ndarray): (E,) 1.0 when the first true match is at rank 1,
            else 0.0.
    """
    queries: Tuple[str, ...]
    ap: np.ndarray
    hit1: np.ndarray

    @classmethod
    def from_results(cls, results: PerQueryResults,
                     setting: str) -> 'QueryScores':
        """The evaluated queries of ``setting`` (KeyError naming the
        setting when the results lack it)."""
        if setting not in results.settings:
            raise KeyError(f'per-query results have no setting {setting!r}; '
                           f'found {sorted(results.settings)}')
        entries = [e for e in results.settings[setting] if e.evaluated]
        return cls(tuple(e.query for e in entries),
                   np.array([e.ap for e in entries], dtype=np.float64),
                   np.array([e.first_match_rank == 1 for e in entries],
                            dtype=np.float64))

    def scores(self, metric: str) -> np.ndarray:
        """(E,) per-query scores in percent whose mean is ``metric``."""
        if metric not in STUDY_METRICS:
            raise ValueError(f'metric={metric!r}; expected one of '
                             f'{STUDY_METRICS}')
        return 100 * (self.ap if metric == 'mAP' else self.hit1)

    def rate(self, metric: str) -> float:
        """``metric`` in percent (NaN without evaluated queries)."""
        values = self.scores(metric)
        return float(values.mean()) if len(values) else math.nan

    def aligned(self, queries: Sequence[str], metric: str) -> np.ndarray:
        """Scores in the order of ``queries`` (ValueError unless this run
        evaluated exactly those queries)."""
        if sorted(self.queries) != sorted(queries) or len(set(
                self.queries)) != len(self.queries):
            missing = sorted(set(queries) - set(self.queries))[:3]
            extra = sorted(set(self.queries) - set(queries))[:3]
            raise ValueError(
                'runs evaluated different queries (missing e.g. '
                f'{missing}, extra e.g. {extra}); a paired comparison needs '
                'the same test split in every run')
        position = {query: index for index, query in enumerate(self.queries)}
        return self.scores(metric)[[position[q] for q in queries]]


def mean_std(values: Sequence[float]) -> Tuple[float, float]:
    """Mean and sample standard deviation (n - 1; NaN for one value)."""
    values = np.asarray(values, dtype=np.float64)
    if not len(values):
        return math.nan, math.nan
    std = float(values.std(ddof=1)) if len(values) > 1 else math.nan
    return float(values.mean()), std


def paired_bootstrap_interval(reference: Sequence[QueryScores],
                              other: Sequence[QueryScores],
                              metric: str,
                              num_samples: int = 10000,
                              seed: int = 0,
                              level: float = 0.95) -> Tuple[float, float]:
    """The bootstrap interval of ``other - reference`` (module docstring).

    Args:
        reference (Sequence[QueryScores]): config A's runs, one per seed.
        other (Sequence[QueryScores]): config B's runs of the same seeds,
            in the same order.
        metric (str): ``'mAP'`` or ``'R1'``.
        num_samples (int): Bootstrap replicates N.
        seed (int): Seed of the resampling.
        level (float): Coverage of the interval, in (0, 1).

    Returns:
        tuple: (low, high) in percentage points; NaNs without queries.
    """
    if len(reference) != len(other) or not reference:
        raise ValueError(f'{len(reference)} reference runs and {len(other)} '
                         'other runs; expected the same seeds, at least one')
    if num_samples < 1 or not 0 < level < 1:
        raise ValueError(f'num_samples={num_samples}, level={level}; '
                         'expected >= 1 and in (0, 1)')
    queries = reference[0].queries
    if not queries:
        return math.nan, math.nan
    per_seed = [b.aligned(queries, metric) - a.aligned(queries, metric)
                for a, b in zip(reference, other)]
    mean_difference = np.mean(per_seed, axis=0)  # d[q]
    rng = np.random.default_rng(seed)
    num_queries = len(queries)
    deltas = np.empty(num_samples)
    for replicate in range(num_samples):
        index = rng.integers(0, num_queries, size=num_queries)
        deltas[replicate] = mean_difference[index].mean()
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(deltas, [tail, 100 - tail])
    return float(low), float(high)


def compare_runs(reference: Dict[int, Dict[str, QueryScores]],
                 other: Dict[int, Dict[str, QueryScores]],
                 num_samples: int = 10000,
                 seed: int = 0) -> List[dict]:
    """Paired differences of ``other`` against ``reference``.

    Args:
        reference, other (dict): seed -> setting -> scores.
        num_samples, seed: of the bootstrap.

    Returns:
        list of dict: per setting of the reference and metric: ``setting``,
        ``metric``, ``seeds`` (the seeds both ran), ``per_seed`` (the
        differences, percentage points), ``mean``, ``std`` (sample) and
        ``interval`` (the 95% bootstrap interval); empty without common
        seeds.
    """
    seeds = sorted(set(reference) & set(other))
    rows = []
    if not seeds:
        return rows
    for setting in reference[seeds[0]]:
        for metric in STUDY_METRICS:
            runs_a = [reference[s][setting] for s in seeds]
            runs_b = [other[s][setting] for s in seeds]
            per_seed = [b.rate(metric) - a.rate(metric)
                        for a, b in zip(runs_a, runs_b)]
            mean, std = mean_std(per_seed)
            rows.append(dict(
                setting=setting, metric=metric, seeds=seeds,
                per_seed=per_seed, mean=mean, std=std,
                interval=list(paired_bootstrap_interval(
                    runs_a, runs_b, metric, num_samples, seed))))
    return rows
