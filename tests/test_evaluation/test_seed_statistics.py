"""Multi-seed statistics against hand-computed values and a seeded
bootstrap loop written from the documented procedure."""
import math

import numpy as np
import pytest

from sdfnet_mm.evaluation.seed_statistics import (QueryScores, compare_runs,
                                                  mean_std,
                                                  paired_bootstrap_interval)
from sdfnet_mm.structures import PerQueryResult, PerQueryResults


def entry(query, ap, first, evaluated=True):
    return PerQueryResult(query=query, query_id=1, query_modality=0,
                          evaluated=evaluated, ap=ap if evaluated else None,
                          first_match_rank=first if evaluated else None,
                          num_matches=1 if evaluated else 0, topk=())


def scores(aps, firsts, names=None):
    names = names or [f'q{i}.tif' for i in range(len(aps))]
    return QueryScores(tuple(names), np.array(aps, float),
                       np.array([f == 1 for f in firsts], float))


def test_mean_and_sample_std_by_hand():
    mean, std = mean_std([1.0, 2.0, 4.0])
    assert mean == pytest.approx(7 / 3)
    # ((4/3)^2 + (1/3)^2 + (5/3)^2) / (3 - 1) = 7/3
    assert std == pytest.approx(math.sqrt(7 / 3))
    mean, std = mean_std([5.0])
    assert mean == 5.0 and math.isnan(std)


def test_scores_from_a_per_query_file(tmp_path):
    path = tmp_path / 'per_query.json'
    PerQueryResults('cosine', {
        'all': [entry('a.tif', 0.5, 2), entry('b.tif', 1.0, 1),
                entry('c.tif', None, None, evaluated=False),
                entry('d.tif', 0.25, 1)],
        'o2s': [entry('a.tif', 1.0, 1)],
    }).dump(str(path))
    loaded = PerQueryResults.load(str(path))
    all_scores = QueryScores.from_results(loaded, 'all')
    assert all_scores.queries == ('a.tif', 'b.tif', 'd.tif')  # c skipped
    assert all_scores.rate('mAP') == pytest.approx(100 * 1.75 / 3)
    assert all_scores.rate('R1') == pytest.approx(100 * 2 / 3)
    assert QueryScores.from_results(loaded, 'o2s').rate('R1') == 100
    with pytest.raises(KeyError, match="no setting 's2o'"):
        QueryScores.from_results(loaded, 's2o')


def test_constant_difference_gives_a_point_interval():
    base = [scores([0.1, 0.4, 0.7], [3, 1, 1]),
            scores([0.2, 0.5, 0.3], [2, 1, 4])]
    shifted = [QueryScores(s.queries, s.ap + 0.05, s.hit1) for s in base]
    low, high = paired_bootstrap_interval(base, shifted, 'mAP', 500)
    assert low == pytest.approx(5.0) and high == pytest.approx(5.0)
    assert paired_bootstrap_interval(base, shifted, 'R1', 500) == (0.0, 0.0)


def reference_interval(runs_a, runs_b, metric, num_samples, seed):
    """The documented procedure as a plain loop: per replicate, resample
    the queries once, compute each config's metric per seed on them, and
    average the per-seed differences over the seeds."""
    rng = np.random.default_rng(seed)
    num_queries = len(runs_a[0].queries)
    deltas = []
    for _ in range(num_samples):
        index = rng.integers(0, num_queries, size=num_queries)
        differences = []
        for a, b in zip(runs_a, runs_b):
            values_a = a.ap if metric == 'mAP' else a.hit1
            values_b = b.ap if metric == 'mAP' else b.hit1
            differences.append(100 * np.mean(values_b[index]) -
                               100 * np.mean(values_a[index]))
        deltas.append(np.mean(differences))
    return np.percentile(deltas, [2.5, 97.5])


@pytest.mark.parametrize('metric', ['mAP', 'R1'])
def test_bootstrap_against_a_seeded_loop(metric):
    rng = np.random.default_rng(11)
    num_queries, num_seeds = 37, 3
    runs_a, runs_b = [], []
    for _ in range(num_seeds):
        runs_a.append(scores(rng.uniform(0, 1, num_queries),
                             rng.integers(1, 4, num_queries)))
        runs_b.append(scores(rng.uniform(0.1, 1, num_queries),
                             rng.integers(1, 3, num_queries)))
    expected = reference_interval(runs_a, runs_b, metric, 3000, seed=5)
    result = paired_bootstrap_interval(runs_a, runs_b, metric, 3000, seed=5)
    np.testing.assert_allclose(result, expected, rtol=0, atol=1e-10)
    # another seed draws other resamples
    assert paired_bootstrap_interval(runs_a, runs_b, metric, 3000,
                                     seed=6) != result


def test_queries_are_paired_by_name_not_position():
    a = scores([0.2, 0.9, 0.5], [2, 1, 1], ['x', 'y', 'z'])
    b = scores([0.6, 0.3, 0.4], [1, 1, 2], ['x', 'y', 'z'])
    b_shuffled = scores([0.4, 0.6, 0.3], [2, 1, 1], ['z', 'x', 'y'])
    assert (paired_bootstrap_interval([a], [b], 'mAP', 200) ==
            paired_bootstrap_interval([a], [b_shuffled], 'mAP', 200))
    other_queries = scores([0.6, 0.3, 0.4], [1, 1, 2], ['x', 'y', 'w'])
    with pytest.raises(ValueError, match='runs evaluated different queries'):
        paired_bootstrap_interval([a], [other_queries], 'mAP', 10)


def test_compare_runs_pairs_common_seeds_by_hand():
    def run(ap_all, ap_o2s):
        return {'all': scores(ap_all, [1] * len(ap_all)),
                'o2s': scores(ap_o2s, [2] * len(ap_o2s))}

    reference = {0: run([0.5, 0.5], [0.2]), 1: run([0.4, 0.6], [0.3]),
                 2: run([0.3, 0.3], [0.1])}
    other = {0: run([0.6, 0.6], [0.2]), 2: run([0.2, 0.6], [0.4])}
    rows = compare_runs(reference, other, num_samples=100)
    assert [(r['setting'], r['metric']) for r in rows] == [
        ('all', 'mAP'), ('all', 'R1'), ('o2s', 'mAP'), ('o2s', 'R1')]
    all_map = rows[0]
    assert all_map['seeds'] == [0, 2]  # seed 1 only in the reference
    # seed 0: 60 - 50 = +10; seed 2: 40 - 30 = +10
    assert all_map['per_seed'] == pytest.approx([10.0, 10.0])
    assert all_map['mean'] == pytest.approx(10.0)
    assert all_map['std'] == pytest.approx(0.0)
    o2s_map = rows[2]
    assert o2s_map['per_seed'] == pytest.approx([0.0, 30.0])
    assert o2s_map['std'] == pytest.approx(math.sqrt(2 * 15.0**2))
    # one query: every resample is that query
    assert o2s_map['interval'] == pytest.approx([15.0, 15.0])
    assert compare_runs(reference, {3: run([0.1], [0.1])}) == []
