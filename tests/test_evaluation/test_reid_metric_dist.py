"""ReIDMetric under torch.distributed (gloo, 2 CPU processes)."""
import math

import pytest
import torch
from mmengine.dataset import DefaultSampler

from gloo_processes import run_in_gloo_group
from sdfnet_mm.evaluation import ReIDMetric

WORLD_SIZE = 2
NUM_SAMPLES = 41  # odd: the sampler pads the last rank
BATCH_SIZE = 4


def make_samples():
    gen = torch.Generator().manual_seed(0)
    ids = torch.randint(-1, 8, (NUM_SAMPLES, ), generator=gen)
    feats = torch.randn(9, 16, generator=gen)[ids] + torch.randn(
        NUM_SAMPLES, 16, generator=gen)
    modalities = torch.randint(0, 2, (NUM_SAMPLES, ), generator=gen)
    # sample 0 (the one the sampler repeats as padding) is a query with a
    # match, so counting it twice would change the numbers
    is_query = torch.rand(NUM_SAMPLES, generator=gen) < 0.4
    is_query[0], ids[0], ids[1], is_query[1] = True, 3, 3, False
    return [
        dict(
            pred_feature=feats[i],
            gt_label=ids[i:i + 1],
            modality=modalities[i],
            is_query=bool(is_query[i]),
            img_path=f'{i}.tif',
            settings=('all', )) for i in range(NUM_SAMPLES)
    ]


def evaluate_shard(samples, collect_dir):
    """What one rank does in MMEngine's test loop."""
    metric = ReIDMetric(collect_dir=collect_dir)
    indices = list(DefaultSampler(samples, shuffle=False, seed=0))
    for start in range(0, len(indices), BATCH_SIZE):
        metric.process(
            None, [samples[i] for i in indices[start:start + BATCH_SIZE]])
    return metric.evaluate(len(samples))


def evaluate_rank(rank, collect_dir, samples):
    return evaluate_shard(samples, collect_dir)


def assert_same(result, expected):
    assert set(result) == set(expected)
    for key, value in expected.items():
        if math.isnan(value):
            assert math.isnan(result[key]), key
        else:
            assert result[key] == pytest.approx(value, abs=1e-9), key


def test_two_processes_match_one(tmp_path):
    samples = make_samples()
    single = evaluate_shard(samples, None)
    # the padded duplicate would change the numbers if it were not trimmed
    padded = ReIDMetric()
    padded.process(None, samples + samples[:1])
    assert padded.evaluate(NUM_SAMPLES + 1) != single

    for result in run_in_gloo_group(
            evaluate_rank, (str(tmp_path / 'collect'), samples), WORLD_SIZE,
            tmp_path):
        assert_same(result, single)
