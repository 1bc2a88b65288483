"""ReIDMetric: settings, process/compute_metrics, calculate, errors."""
import math

import pytest
import torch
from mmengine.evaluator import Evaluator
from mmpretrain.structures import DataSample

from sdfnet_mm.evaluation import ReIDMetric
from sdfnet_mm.evaluation.metrics import reid_metric
from sdfnet_mm.registry import METRICS

RATES = ('mAP', 'R1', 'R5', 'R10', 'mINP')
KEYS = {
    f'{setting}_{key}'
    for setting in ('all', 'o2s', 's2o')
    for key in RATES + ('num_queries', 'num_skipped')
}


def make_samples(num, dim=8, num_ids=6, seed=0, settings=('all', )):
    """Data samples as MMEngine's Evaluator hands them to ``process``."""
    gen = torch.Generator().manual_seed(seed)
    ids = torch.randint(-1, num_ids, (num, ), generator=gen)
    centres = torch.randn(num_ids + 1, dim, generator=gen)
    feats = centres[ids] + 0.9 * torch.randn(num, dim, generator=gen)
    modalities = torch.randint(0, 2, (num, ), generator=gen)
    is_query = torch.rand(num, generator=gen) < 0.35
    return [
        dict(
            pred_feature=feats[i],
            gt_label=ids[i:i + 1],
            modality=modalities[i],
            is_query=bool(is_query[i]),
            img_path=f'{i}.tif',
            settings=settings) for i in range(num)
    ]


def split_of(samples):
    """``calculate``'s arguments from samples."""
    query = [s for s in samples if s['is_query']]
    gallery = [s for s in samples if not s['is_query']]

    def columns(items):
        return (torch.stack([s['pred_feature'] for s in items]),
                torch.cat([s['gt_label'] for s in items]),
                torch.stack([s['modality'] for s in items]))

    return (*columns(query), *columns(gallery))


def evaluate(samples, batch_size=5, **options):
    metric = ReIDMetric(**options)
    for start in range(0, len(samples), batch_size):
        metric.process(None, samples[start:start + batch_size])
    return metric.evaluate(len(samples))


def assert_same_metrics(result, expected):
    assert set(result) == set(expected)
    for key, value in expected.items():
        if isinstance(value, float) and math.isnan(value):
            assert math.isnan(result[key]), key
        else:
            assert result[key] == pytest.approx(value, abs=1e-9), key


def unprefixed(result):
    return {key.split('/', 1)[1]: value for key, value in result.items()}


def test_registered_with_default_prefix():
    metric = METRICS.build(dict(type='ReIDMetric', metric='euclidean'))
    assert isinstance(metric, ReIDMetric)
    result = evaluate(make_samples(40), metric='euclidean')
    assert all(key.startswith('reid/') for key in result)
    assert set(unprefixed(result)) == KEYS


@pytest.mark.parametrize('options', [
    dict(),
    dict(metric='euclidean', camera_filter=True, chunk_size=3),
    dict(rerank=True, k1=4, k2=2),
    dict(rerank=True, rerank_mode='paper', k1=4, k2=2),
])
def test_process_then_compute_equals_calculate(options):
    samples = make_samples(60)
    result = unprefixed(evaluate(samples, **options))
    assert_same_metrics(result,
                        ReIDMetric.calculate(*split_of(samples), **options))
    assert result['all_num_queries'] > 0
    assert result['o2s_num_queries'] + result['s2o_num_queries'] > 0


def test_modality_filter_by_hand():
    # 1-D features; modality 0 optical, 1 SAR
    def sample(x, pid, modality, is_query):
        return dict(pred_feature=torch.tensor([x, 1.]),
                    gt_label=torch.tensor([pid]),
                    modality=torch.tensor(modality), is_query=is_query,
                    img_path='x', settings=('all', ))

    samples = [
        sample(0., 1, 0, True),  # optical query, id 1
        sample(5., 2, 1, True),  # SAR query, id 2
        sample(0.1, 1, 0, False),  # optical, id 1
        sample(0.2, 2, 1, False),  # SAR, id 2
        sample(0.3, 1, 1, False),  # SAR, id 1
        sample(5.1, 2, 0, False),  # optical, id 2
    ]
    result = unprefixed(evaluate(samples, metric='euclidean'))
    # all: query 1 -> [g0 match, g1, g2 match, g3];
    #      query 2 -> [g3 match, g2, g1 match, g0]
    assert result['all_mAP'] == pytest.approx((1 + 2 / 3) / 2 * 100)
    assert result['all_mINP'] == pytest.approx(2 / 3 * 100)
    # o2s: optical query 1 vs SAR gallery [g1 (id 2), g2 (id 1)]
    assert result['o2s_num_queries'] == 1
    assert result['o2s_mAP'] == pytest.approx(50)
    assert result['o2s_R1'] == 0 and result['o2s_R5'] == 100
    # s2o: SAR query 2 vs optical gallery [g3 (id 2) at 0.1, g0 at 4.9]
    assert result['s2o_num_queries'] == 1 and result['s2o_mAP'] == 100


def test_subset_tags_replace_the_modality_filter():
    samples = make_samples(50, seed=3)
    tagged = make_samples(30, seed=4, settings=('o2s', ))
    result = unprefixed(evaluate(samples + tagged))
    on_all = ReIDMetric.calculate(*split_of(samples))
    on_subset = ReIDMetric.calculate(*split_of(tagged))
    for key in RATES + ('num_queries', 'num_skipped'):
        # all and the derived s2o ignore the subset-only items
        assert result[f'all_{key}'] == pytest.approx(on_all[f'all_{key}'])
        assert result[f's2o_{key}'] == pytest.approx(on_all[f's2o_{key}'])
        # o2s is the tagged subset as listed (all of its queries)
        assert result[f'o2s_{key}'] == pytest.approx(on_subset[f'all_{key}'])


def test_settings_source_is_logged_once(monkeypatch):
    messages = []
    monkeypatch.setattr(reid_metric, 'print_log',
                        lambda msg, **kwargs: messages.append(msg))
    evaluate(make_samples(30) + make_samples(10, settings=('s2o', )))
    sources = [msg for msg in messages if msg.startswith('ReIDMetric sett')]
    assert sources == ['ReIDMetric settings: o2s: modality filter of the all'
                       ' split; s2o: subset folders']


def test_setting_without_evaluable_query_is_nan_and_warns(monkeypatch):
    warnings = []
    monkeypatch.setattr(
        reid_metric, 'print_log', lambda msg, **kwargs: warnings.append(
            msg) if kwargs.get('level') else None)
    samples = make_samples(30)
    for sample in samples:  # no SAR gallery: o2s has nothing to match
        if not sample['is_query']:
            sample['modality'] = torch.tensor(0)
    result = unprefixed(evaluate(samples))
    assert set(result) == KEYS
    assert all(math.isnan(result[f'o2s_{key}']) for key in RATES)
    assert result['o2s_num_queries'] == 0
    assert result['o2s_num_skipped'] == sum(
        s['is_query'] and int(s['modality']) == 0 for s in samples)
    assert any("'o2s'" in msg for msg in warnings)
    assert not math.isnan(result['all_mAP'])


def test_datasample_through_evaluator():
    samples = make_samples(25)
    data_samples = []
    for sample in samples:
        data_sample = DataSample(metainfo=dict(
            img_path=sample['img_path'], settings=sample['settings']))
        data_sample.set_gt_label(int(sample['gt_label']))
        data_sample.set_field(sample['modality'], 'modality')
        data_sample.set_field(sample['is_query'], 'is_query')
        data_sample.set_field(sample['pred_feature'], 'pred_feature')
        data_samples.append(data_sample)
    evaluator = Evaluator(ReIDMetric())
    evaluator.process(data_samples[:10])
    evaluator.process(data_samples[10:])
    assert_same_metrics(
        unprefixed(evaluator.evaluate(len(samples))),
        ReIDMetric.calculate(*split_of(samples)))


def test_process_keeps_one_cpu_entry_per_sample():
    metric = ReIDMetric()
    samples = make_samples(7)
    metric.process(None, samples)
    assert len(metric.results) == 7
    assert all(entry['feature'].device.type == 'cpu'
               for entry in metric.results)


@pytest.mark.parametrize('change, error, message', [
    (lambda s: s.pop('is_query'), KeyError, 'is_query'),
    (lambda s: s.update(gt_label=torch.tensor([1, 2])), ValueError,
     'one id'),
    (lambda s: s.update(pred_feature=torch.zeros(2, 2)), ValueError,
     r'\(C,\)'),
])
def test_process_names_bad_samples(change, error, message):
    sample = make_samples(1)[0]
    change(sample)
    with pytest.raises(error, match=message):
        ReIDMetric().process(None, [sample])


def test_compute_names_bad_results():
    samples = make_samples(20)
    samples[3]['pred_feature'] = torch.full((8, ), math.nan)
    with pytest.raises(ValueError, match='row'):
        evaluate(samples)
    samples = [s for s in make_samples(20) if s['is_query']]
    with pytest.raises(ValueError, match='empty gallery'):
        evaluate(samples)
    samples = make_samples(20)
    samples[0]['modality'] = torch.tensor(2)
    with pytest.raises(ValueError, match='2 is not a modality'):
        evaluate(samples)


def test_calculate_names_bad_input():
    query, query_ids, query_mod, gallery, gallery_ids, gallery_mod = \
        split_of(make_samples(30))
    with pytest.raises(ValueError, match='one per feature'):
        ReIDMetric.calculate(query, query_ids[:-1], query_mod, gallery,
                             gallery_ids, gallery_mod)
    with pytest.raises(TypeError, match="unexpected keyword argument 'flip'"):
        ReIDMetric.calculate(query, query_ids, query_mod, gallery,
                             gallery_ids, gallery_mod, flip=True)
    with pytest.raises(ValueError, match='metric'):
        ReIDMetric(metric='l1')
