"""Ranking functions against hand-computed cases and a per-query loop."""
import math

import numpy as np
import pytest
import torch

from sdfnet_mm.evaluation import (RankingOptions, k_reciprocal_distance,
                                  pairwise_distance, ranking_stats,
                                  reference_ranking, summarize_ranking)
from sdfnet_mm.evaluation.functional import (_counting, ranking,
                                             reference_zhong_rerank)


def reference_distance(query, gallery, metric):
    """Float64 NumPy distances, written independently of the library."""
    query, gallery = np.asarray(query, float), np.asarray(gallery, float)
    if metric == 'euclidean':
        return ((query[:, None] - gallery[None]) ** 2).sum(-1)
    query = query / np.maximum(np.linalg.norm(query, axis=1, keepdims=True),
                               1e-12)
    gallery = gallery / np.maximum(
        np.linalg.norm(gallery, axis=1, keepdims=True), 1e-12)
    return 1 - query @ gallery.T


def random_split(seed, num_query, num_gallery, dim, num_ids, integer=False):
    """Random features (float64, or small integers for exact ties), ids with
    distractors (-1) on both sides, cameras 0/1."""
    rng = np.random.default_rng(seed)

    def feats(n):
        if integer:
            return rng.integers(-2, 3, (n, dim)).astype(np.float64)
        return rng.standard_normal((n, dim))

    return (feats(num_query), rng.integers(-1, num_ids, num_query),
            rng.integers(0, 2, num_query), feats(num_gallery),
            rng.integers(-1, num_ids, num_gallery),
            rng.integers(0, 2, num_gallery))


def structured_split(seed, num_query, num_gallery, dim, num_ids, noise):
    """Features = identity centre + noise: matches rank early (the compact
    path of :func:`match_ranks`)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((num_ids, dim))
    query_ids = rng.integers(0, num_ids, num_query)
    gallery_ids = rng.integers(-1, num_ids, num_gallery)
    gallery_feats = np.where(gallery_ids[:, None] >= 0,
                             centres[gallery_ids], 0)
    return (centres[query_ids] + noise * rng.standard_normal(
        (num_query, dim)), query_ids, rng.integers(0, 2, num_query),
            gallery_feats + noise * rng.standard_normal((num_gallery, dim)),
            gallery_ids, rng.integers(0, 2, num_gallery))


def run(split, topk=0, **options):
    """``ranking_stats`` on NumPy inputs."""
    query, query_ids, query_cams, gallery, gallery_ids, gallery_cams = split
    as_tensor = torch.from_numpy
    return ranking_stats(
        as_tensor(np.asarray(query)), as_tensor(np.asarray(query_ids)),
        as_tensor(np.asarray(query_cams)), as_tensor(np.asarray(gallery)),
        as_tensor(np.asarray(gallery_ids)),
        as_tensor(np.asarray(gallery_cams)), RankingOptions(**options), topk)


def assert_matches_reference(stats, dist, split, camera_filter, topk=0):
    """Every field of ``stats`` equals the sort-based reference on
    ``dist``."""
    _, query_ids, query_cams, _, gallery_ids, gallery_cams = split
    expected = reference_ranking(dist, query_ids, query_cams, gallery_ids,
                                 gallery_cams, camera_filter, topk)
    for name, actual, wanted in zip(stats._fields, stats, expected):
        if wanted is None:
            assert actual is None, name
        else:  # exact for counts and indices, to 1e-12 for rates
            np.testing.assert_allclose(
                actual.numpy().astype(np.float64),
                wanted.numpy().astype(np.float64), rtol=0, atol=1e-12,
                err_msg=name)


# --------------------------------------------------------------------------
# Hand-computed cases (1-D Euclidean features: distances are exact).
# --------------------------------------------------------------------------
def hand_split(gallery_feats, gallery_ids, query_feats=(0., ), query_ids=(1, ),
               query_cams=None, gallery_cams=None):
    return (np.array(query_feats, float)[:, None], np.array(query_ids),
            np.zeros(len(query_ids), int)
            if query_cams is None else np.array(query_cams),
            np.array(gallery_feats, float)[:, None], np.array(gallery_ids),
            np.ones(len(gallery_ids), int)
            if gallery_cams is None else np.array(gallery_cams))


def summary_of(split, **options):
    return summarize_ranking(run(split, metric='euclidean', **options))


def test_all_correct_ranking_is_100():
    summary = summary_of(hand_split([1, 2, 3, 4], [1, 1, 2, 3]))
    assert summary['mAP'] == summary['R1'] == summary['mINP'] == 100
    assert summary['num_queries'] == 1 and summary['num_skipped'] == 0


def test_all_wrong_ranking():
    # matches ranked 4th and 5th of 5
    summary = summary_of(hand_split([1, 2, 3, 4, 5], [2, 3, 4, 1, 1]))
    assert summary['mAP'] == pytest.approx((1 / 4 + 2 / 5) / 2 * 100)
    assert summary['R1'] == 0 and summary['R5'] == 100
    assert summary['mINP'] == pytest.approx(2 / 5 * 100)


def test_minp_and_ap_by_hand():
    # matches at ranks 1, 3 and 6
    summary = summary_of(hand_split([1, 2, 3, 4, 5, 6], [1, 2, 1, 3, 4, 1]))
    assert summary['mAP'] == pytest.approx((1 + 2 / 3 + 3 / 6) / 3 * 100)
    assert summary['mINP'] == pytest.approx(3 / 6 * 100)
    assert summary['R1'] == 100


def test_ties_are_ranked_in_gallery_order():
    # squared distances 1, 1, 1, 4: order g0, g1, g2, g3 -> matches 2nd, 4th
    summary = summary_of(hand_split([1, -1, 1, 2], [2, 1, 2, 1]))
    assert summary['mAP'] == pytest.approx((1 / 2 + 2 / 4) / 2 * 100)
    assert summary['mINP'] == pytest.approx(50)
    assert summary['R1'] == 0
    # the same tie with the match first in gallery order -> 1st, 4th
    summary = summary_of(hand_split([-1, 1, 1, 2], [1, 2, 2, 1]))
    assert summary['mAP'] == pytest.approx((1 + 2 / 4) / 2 * 100)
    assert summary['R1'] == 100


def test_distractors_stay_and_never_match():
    # distractors (-1) nearest; a distractor query is skipped
    split = hand_split([1, 2, 3], [-1, -1, 1],
                       query_feats=(0., 0.), query_ids=(1, -1))
    summary = summary_of(split)
    assert summary['num_queries'] == 1 and summary['num_skipped'] == 1
    assert summary['mAP'] == pytest.approx(100 / 3)
    assert summary['R1'] == 0 and summary['R5'] == 100


def test_query_without_match_is_skipped_and_counted():
    split = hand_split([1, 2], [1, 2],
                       query_feats=(0., 0., 0.), query_ids=(1, 7, 8))
    summary = summary_of(split)
    assert summary['num_queries'] == 1 and summary['num_skipped'] == 2
    assert summary['mAP'] == 100


def test_no_evaluable_query_gives_nan():
    summary = summary_of(hand_split([1, 2], [3, 4]))
    assert summary['num_queries'] == 0 and summary['num_skipped'] == 1
    assert all(math.isnan(summary[key]) for key in
               ('mAP', 'R1', 'R5', 'R10', 'mINP'))


def test_camera_filter_removes_same_id_same_camera():
    # g0: same id, same camera (nearest); g1: other id; g2: same id,
    # other camera
    split = hand_split([1, 2, 3], [1, 2, 1], query_cams=[0],
                       gallery_cams=[0, 1, 1])
    assert summary_of(split)['mAP'] == pytest.approx((1 + 2 / 3) / 2 * 100)
    filtered = summary_of(split, camera_filter=True)
    assert filtered['mAP'] == pytest.approx(50)
    assert filtered['mINP'] == pytest.approx(50)
    # a query whose only matches share its camera is skipped
    split = hand_split([1, 2], [1, 2], query_cams=[0], gallery_cams=[0, 1])
    assert summary_of(split, camera_filter=True)['num_skipped'] == 1


# --------------------------------------------------------------------------
# Random cases against the per-query loop.
# --------------------------------------------------------------------------
@pytest.mark.parametrize('metric', ['cosine', 'euclidean'])
@pytest.mark.parametrize('chunk_size', [1, 7, None])
@pytest.mark.parametrize('camera_filter', [False, True])
@pytest.mark.parametrize('sizes', [(1, 1, 3, 2), (13, 50, 4, 5),
                                   (60, 300, 16, 12)])
@pytest.mark.parametrize('topk', [0, 4])
def test_random_against_loop(metric, chunk_size, camera_filter, sizes, topk):
    split = random_split(sum(sizes), *sizes)
    stats = run(split, topk, metric=metric, camera_filter=camera_filter,
                chunk_size=chunk_size)
    dist = reference_distance(split[0], split[3], metric)
    assert_matches_reference(stats, dist, split, camera_filter, topk)


# Both code paths of match_ranks (dense bins / compacted candidates),
# extreme bin counts (one bin: everything compared exactly; about one item a
# bin) and ranking steps of a few rows within a chunk.
PATHS = {'dense': math.inf, 'compact': 0}
BINS = {
    'default': {},
    'one_bin': dict(ITEMS_PER_BIN=10**9, MIN_BINS=1),
    'fine': dict(ITEMS_PER_BIN=1, MIN_BINS=1),
}


@pytest.mark.parametrize('path', PATHS)
@pytest.mark.parametrize('bins', BINS)
@pytest.mark.parametrize('chunk_size', [1, 7, None])
@pytest.mark.parametrize('rank_elements', [None, 3 * 120])
def test_exact_ties_every_path(monkeypatch, path, bins, chunk_size,
                               rank_elements):
    monkeypatch.setattr(_counting, 'SPARSE_RATIO', PATHS[path])
    for name, value in BINS[bins].items():
        monkeypatch.setattr(_counting, name, value)
    if rank_elements:
        monkeypatch.setattr(ranking, 'RANK_ELEMENTS', rank_elements)
    # small integer features: many exactly equal squared distances
    split = random_split(3, 40, 120, 3, 6, integer=True)
    stats = run(split, 10, metric='euclidean', chunk_size=chunk_size)
    dist = reference_distance(split[0], split[3], 'euclidean')
    assert_matches_reference(stats, dist, split, False, 10)


@pytest.mark.parametrize('path', PATHS)
@pytest.mark.parametrize('camera_filter', [False, True])
def test_structured_features_every_path(monkeypatch, path, camera_filter):
    monkeypatch.setattr(_counting, 'SPARSE_RATIO', PATHS[path])
    split = structured_split(5, 50, 400, 8, 20, noise=0.8)
    stats = run(split, 5, camera_filter=camera_filter, chunk_size=16)
    dist = reference_distance(split[0], split[3], 'cosine')
    assert_matches_reference(stats, dist, split, camera_filter, 5)
    assert 0 < float(stats.average_precision.mean()) < 1


def test_float32_matches_loop_on_the_same_distances():
    split = random_split(11, 30, 200, 8, 6)
    split = (split[0].astype(np.float32), *split[1:3],
             split[3].astype(np.float32), *split[4:])
    stats = run(split, chunk_size=30)
    dist = pairwise_distance(
        torch.from_numpy(split[0]), torch.from_numpy(split[3])).numpy()
    assert dist.dtype == np.float32
    assert_matches_reference(stats, dist, split, camera_filter=False)


def test_pairwise_distance_values():
    query = torch.tensor([[3., 4.], [1., 0.]])
    gallery = torch.tensor([[0., 1.], [6., 8.]])
    torch.testing.assert_close(
        pairwise_distance(query, gallery, 'euclidean'),
        torch.tensor([[18., 25.], [2., 89.]]))
    torch.testing.assert_close(
        pairwise_distance(query, gallery, 'cosine'),
        torch.tensor([[1 - 0.8, 0.], [1., 1 - 0.6]]))


@pytest.mark.parametrize('bad, message', [
    (dict(query_feats=torch.tensor([[0., math.nan]])), 'row 0'),
    (dict(gallery_feats=torch.zeros(0, 2)), 'empty gallery'),
    (dict(gallery_ids=torch.tensor([1, 2, 3])), 'gallery_ids'),
    (dict(query_feats=torch.zeros(1, 3)), 'channels'),
    (dict(query_ids=torch.tensor([1.5])), 'integer'),
])
def test_bad_input_is_named(bad, message):
    args = dict(
        query_feats=torch.zeros(1, 2),
        query_ids=torch.tensor([1]),
        query_cams=torch.tensor([0]),
        gallery_feats=torch.ones(2, 2),
        gallery_ids=torch.tensor([1, 2]),
        gallery_cams=torch.tensor([1, 1]))
    args.update(bad)
    with pytest.raises(ValueError, match=message):
        ranking_stats(**args)


@pytest.mark.parametrize('bad, message', [
    (dict(metric='manhattan'), "metric='manhattan'"),
    (dict(chunk_size=0), 'chunk_size=0'),
    (dict(k1=0), 'k1=0'),
    (dict(lambda_value=1.5), 'lambda_value=1.5'),
    (dict(rerank_mode='fast'), "rerank_mode='fast'"),
])
def test_bad_options_are_named(bad, message):
    with pytest.raises(ValueError, match=message):
        RankingOptions(**bad)


# --------------------------------------------------------------------------
# k-reciprocal re-ranking: the default against a loop written from Zhong et
# al.'s script (sdfnet_mm.evaluation.functional.reference_rerank), the
# 'paper' mode against a loop written from the paper.
# --------------------------------------------------------------------------
def cross_modal_split(seed, num_ids, num_query, num_gallery, dim,
                      dtype=np.float64):
    """Model-like cross-modal features: identity centre + a shift per
    modality + noise; every query id has gallery items of both
    modalities."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((num_ids, dim))
    shift = 0.8 * rng.standard_normal((2, dim))
    gallery_ids = np.concatenate([np.repeat(np.arange(num_ids), 2),
                                  rng.integers(0, num_ids, num_gallery -
                                               2 * num_ids)])
    gallery_cams = np.concatenate([np.tile([0, 1], num_ids),
                                   rng.integers(0, 2, num_gallery -
                                                2 * num_ids)])
    query_ids = rng.integers(0, num_ids, num_query)
    query_cams = rng.integers(0, 2, num_query)

    def feats(ids, cams):
        noise = 0.9 * rng.standard_normal((len(ids), dim))
        return (centres[ids] + shift[cams] + noise).astype(dtype)

    return (feats(query_ids, query_cams), query_ids, query_cams,
            feats(gallery_ids, gallery_cams), gallery_ids, gallery_cams)


@pytest.mark.parametrize('metric, k1, k2, lambda_value, dtype, sizes', [
    ('cosine', 20, 6, 0.3, np.float64, (20, 60, 12)),
    ('cosine', 50, 15, 0.3, np.float64, (20, 60, 12)),  # the authors' k
    ('euclidean', 5, 1, 0.5, np.float64, (20, 60, 12)),
    ('cosine', 7, 3, 0.0, np.float64, (20, 60, 12)),  # Jaccard only
    ('cosine', 20, 6, 0.3, np.float32, (30, 120, 40)),
    ('euclidean', 20, 6, 0.3, np.float32, (30, 120, 40)),
    ('cosine', 20, 6, 0.3, np.float64, (2, 3, 1)),  # k1, k2 > the set
])
def test_default_rerank_is_the_script(metric, k1, k2, lambda_value, dtype,
                                      sizes):
    num_query, num_gallery, num_ids = sizes
    split = cross_modal_split(3, num_ids, num_query, num_gallery, 16, dtype)
    options = RankingOptions(metric=metric, rerank=True, k1=k1, k2=k2,
                             lambda_value=lambda_value)
    assert options.rerank_mode == 'zhong'
    result = k_reciprocal_distance(torch.from_numpy(split[0]),
                                   torch.from_numpy(split[3]), options)
    expected = reference_zhong_rerank(split[0], split[3], k1, k2,
                                      lambda_value,
                                      normalize=metric == 'cosine')
    assert result.dtype == torch.from_numpy(split[0]).dtype
    np.testing.assert_allclose(result.numpy(), expected, rtol=0,
                               atol=1e-6 if dtype == np.float32 else 1e-12)
    # the metric ranks by exactly that distance
    stats = run(split, metric=metric, rerank=True, k1=k1, k2=k2,
                lambda_value=lambda_value, chunk_size=7)
    assert_matches_reference(stats, result.numpy(), split,
                             camera_filter=False)


def test_rerank_modes_differ_on_the_same_features():
    split = cross_modal_split(4, 12, 20, 60, 16)
    query, gallery = torch.from_numpy(split[0]), torch.from_numpy(split[3])
    zhong, paper = (k_reciprocal_distance(
        query, gallery, RankingOptions(rerank_mode=mode))
                    for mode in ('zhong', 'paper'))
    assert zhong.shape == paper.shape == (20, 60)
    assert float((zhong - paper).abs().max()) > 1e-3


def test_zhong_rerank_of_identical_features_is_finite():
    feats = torch.ones(4, 3, dtype=torch.float64)
    result = k_reciprocal_distance(feats[:1], feats[1:], RankingOptions())
    assert bool(torch.isfinite(result).all())


def reference_rerank(query, gallery, metric, k1, k2, lambda_value):
    """Zhong et al. (CVPR 2017) with Python sets and loops."""
    feats = np.concatenate([query, gallery])
    dist = reference_distance(feats, feats, metric)
    num = len(feats)
    # each item's ranking: itself first, then by distance, ties by index
    order = [
        sorted(range(num), key=lambda y, x=x: (y != x, dist[x, y], y))
        for x in range(num)
    ]

    def neighbours(x, k):
        return set(order[x][:k + 1])

    def reciprocal(x, k):
        return {y for y in neighbours(x, k) if x in neighbours(y, k)}

    half = int(round(k1 / 2))
    encoding = np.zeros((num, num))
    for x in range(num):
        r_x = reciprocal(x, k1)
        r_star = set(r_x)
        for candidate in r_x:
            r_candidate = reciprocal(candidate, half)
            if 3 * len(r_candidate & r_x) >= 2 * len(r_candidate):
                r_star |= r_candidate
        for y in r_star:
            encoding[x, y] = math.exp(-dist[x, y])
    expanded = np.array(
        [encoding[order[x][:k2]].mean(0) for x in range(num)])
    num_query = len(query)
    result = np.zeros((num_query, len(gallery)))
    for p in range(num_query):
        for g in range(len(gallery)):
            a, b = expanded[p], expanded[num_query + g]
            jaccard = 1 - np.minimum(a, b).sum() / np.maximum(a, b).sum()
            result[p, g] = ((1 - lambda_value) * jaccard +
                            lambda_value * dist[p, num_query + g])
    return result


@pytest.mark.parametrize('metric, k1, k2, lambda_value, sizes', [
    ('cosine', 6, 3, 0.3, (12, 40)),
    ('euclidean', 5, 1, 0.5, (12, 40)),
    ('cosine', 20, 6, 0.3, (12, 40)),
    ('cosine', 20, 6, 0.3, (2, 3)),  # k1, k2 larger than the set
])
def test_paper_rerank_against_loop(metric, k1, k2, lambda_value, sizes):
    split = structured_split(7, *sizes, 6, 8, noise=0.7)
    query = torch.from_numpy(split[0])
    gallery = torch.from_numpy(split[3])
    result = k_reciprocal_distance(
        query, gallery,
        RankingOptions(metric=metric, rerank_mode='paper', k1=k1, k2=k2,
                       lambda_value=lambda_value))
    expected = reference_rerank(split[0], split[3], metric, k1, k2,
                                lambda_value)
    np.testing.assert_allclose(result.numpy(), expected, rtol=0, atol=1e-10)
    # the metric ranks by exactly that distance
    stats = run(split, metric=metric, rerank=True, rerank_mode='paper',
                k1=k1, k2=k2, lambda_value=lambda_value, chunk_size=5)
    assert_matches_reference(stats, expected, split, camera_filter=False)


def test_rerank_changes_the_ranking():
    split = structured_split(8, 12, 40, 6, 8, noise=0.9)
    plain = summarize_ranking(run(split))
    reranked = summarize_ranking(run(split, rerank=True, k1=6, k2=3))
    assert plain['mAP'] != reranked['mAP']
