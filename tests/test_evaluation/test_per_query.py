"""ReIDMetric(per_query_out=...) and format_results_table."""
import math

import pytest
import torch

from sdfnet_mm.evaluation import ReIDMetric, format_results_table
from sdfnet_mm.structures import PerQueryResults, RankedItem

from test_reid_metric import make_samples, unprefixed


def sample(x, pid, modality, is_query, path):
    return dict(pred_feature=torch.tensor([x, 1.]),
                gt_label=torch.tensor([pid]),
                modality=torch.tensor(modality), is_query=is_query,
                img_path=path, settings=('all', ))


def run(samples, out, **options):
    metric = ReIDMetric(per_query_out=str(out), **options)
    metric.process(None, samples)
    return metric.evaluate(len(samples))


def test_per_query_entries_by_hand(tmp_path):
    samples = [
        sample(0., 1, 0, True, 'q1.tif'),  # optical query, id 1
        sample(5., 2, 1, True, 'q2.tif'),  # SAR query, id 2
        sample(9., 7, 1, True, 'q7.tif'),  # SAR query without a match
        sample(0.1, 1, 0, False, 'g0.tif'),  # optical, id 1
        sample(0.2, 2, 1, False, 'g1.tif'),  # SAR, id 2
        sample(0.3, 1, 1, False, 'g2.tif'),  # SAR, id 1
        sample(5.1, 2, 0, False, 'g3.tif'),  # optical, id 2
    ]
    out = tmp_path / 'sub' / 'per_query.json'
    run(samples, out, metric='euclidean', topk=2)
    settings = PerQueryResults.load(str(out)).settings
    assert set(settings) == {'all', 'o2s', 's2o'}
    first, second, unmatched = settings['all']
    # query 1 -> [g0 match (0.01), g1 (0.04), g2 match (0.09), g3]
    assert first.query == 'q1.tif' and first.query_id == 1
    assert first.query_modality == 0 and first.evaluated
    assert first.ap == pytest.approx((1 + 2 / 3) / 2)
    assert first.first_match_rank == 1 and first.num_matches == 2
    assert [item.path for item in first.topk] == ['g0.tif', 'g1.tif']
    assert first.topk[1] == RankedItem('g1.tif', 2, 1, pytest.approx(0.04))
    # query 2 -> [g3 match, g2, g1 match, g0]
    assert second.ap == pytest.approx((1 + 2 / 3) / 2)
    assert [item.id for item in second.topk] == [2, 1]
    assert not unmatched.evaluated and unmatched.ap is None
    assert unmatched.first_match_rank is None
    assert unmatched.num_matches == 0 and len(unmatched.topk) == 2
    # o2s: optical query 1 vs SAR gallery [g1 (id 2), g2 (id 1)]
    (o2s, ) = settings['o2s']
    assert o2s.ap == pytest.approx(0.5) and o2s.first_match_rank == 2
    assert [item.path for item in o2s.topk] == ['g1.tif', 'g2.tif']
    assert [entry.query for entry in settings['s2o']] == ['q2.tif',
                                                            'q7.tif']


@pytest.mark.parametrize('options', [
    dict(), dict(metric='euclidean', camera_filter=True),
    dict(rerank=True, k1=4, k2=2)
])
def test_per_query_entries_agree_with_the_metric(tmp_path, options):
    samples = make_samples(60, seed=5)
    out = tmp_path / 'per_query.json'
    result = unprefixed(run(samples, out, topk=5, **options))
    settings = PerQueryResults.load(str(out)).settings
    for name, entries in settings.items():
        evaluated = [entry for entry in entries if entry.evaluated]
        assert len(evaluated) == result[f'{name}_num_queries']
        assert len(entries) - len(evaluated) == result[f'{name}_num_skipped']
        assert 100 * sum(e.ap for e in evaluated) / len(
            evaluated) == pytest.approx(result[f'{name}_mAP'])
        hits = [e.first_match_rank <= 5 for e in evaluated]
        assert 100 * sum(hits) / len(hits) == pytest.approx(
            result[f'{name}_R5'])
        for entry in evaluated:
            distances = [item.distance for item in entry.topk]
            assert distances == sorted(distances)
            # The first true match within the top 5 is listed there.
            listed = [item.id == entry.query_id
                      for item in entry.topk]
            if entry.first_match_rank <= len(listed):
                assert listed.index(True) + 1 == entry.first_match_rank
            elif listed:
                assert not any(listed)


def test_topk_must_be_positive():
    with pytest.raises(ValueError, match='topk=0'):
        ReIDMetric(topk=0)


def test_results_table_rows_and_columns():
    metrics = {
        f'reid/{setting}_{key}': value
        for setting in ('all', 'o2s', 's2o')
        for key, value in dict(mAP=12.345, R1=50.0, R5=75.0, R10=100.0,
                               mINP=math.nan, num_queries=3,
                               num_skipped=1).items()
    }
    lines = format_results_table(metrics, title='trained').splitlines()
    assert lines[0] == 'trained'
    assert lines[1] == ('| setting | mAP | R1 | R5 | R10 | mINP | '
                        'num_queries | num_skipped |')
    assert lines[3] == ('| all (All) | 12.35 | 50.00 | 75.00 | 100.00 | '
                        'nan | 3 | 1 |')
    assert [line.split(' | ')[0] for line in lines[3:]] == [
        '| all (All)', '| o2s (O->S)', '| s2o (S->O)'
    ]
    with pytest.raises(KeyError, match='all_mAP'):
        format_results_table({'accuracy/top1': 1.0})
