"""The exact index against a brute-force NumPy reference, ties included,
and the modality filter."""
import numpy as np
import pytest

from retrieval_data import (FINGERPRINT, chip_records, clustered_features,
                            reference_ranking)
from sdfnet_mm.retrieval import GalleryIndex
from sdfnet_mm.structures import OPTICAL, SAR


def assert_same_ranking(hits, reference, exact_distances: bool):
    assert len(hits) == len(reference)
    for query_hits, (rows, distances) in zip(hits, reference):
        assert [hit.row for hit in query_hits] == rows.tolist()
        found = np.array([hit.distance for hit in query_hits])
        if exact_distances:
            assert found.tolist() == distances.tolist()
        else:
            np.testing.assert_allclose(found, distances, atol=1e-6)


@pytest.mark.parametrize('modality', ['any', 'optical', 'sar'])
@pytest.mark.parametrize('num_queries', [1, 40])  # faiss' loop and BLAS
def test_exact_search_equals_numpy_brute_force(tmp_path, modality,
                                                num_queries):
    features, _, modalities = clustered_features(600, 32, seed=0)
    queries = np.random.default_rng(1).standard_normal((num_queries, 32))
    index = GalleryIndex.create(tmp_path / 'index', 32, FINGERPRINT)
    index.add(features, chip_records(modalities))
    allowed = {'any': modalities >= 0, 'optical': modalities == OPTICAL,
               'sar': modalities == SAR}[modality]
    hits = index.search(queries, 10, modality=modality)
    assert_same_ranking(hits, reference_ranking(features, queries, 10,
                                                allowed), False)


@pytest.mark.parametrize('num_queries', [1, 40])
@pytest.mark.parametrize('topk', [3, 10, 57])
def test_equal_distances_rank_the_chip_added_first_first(
        tmp_path, num_queries, topk):
    """Six directions repeated over 300 chips: whole blocks of exactly equal
    distances (the features are exact in float32: four entries of +-1/2),
    so the k-th place falls inside a tie; the lower rows win it."""
    rng = np.random.default_rng(0)
    patterns = np.zeros((6, 16), np.float32)
    for pattern in patterns:
        pattern[rng.choice(16, 4, replace=False)] = rng.choice([-1, 1], 4)
    gallery = patterns[rng.integers(0, 6, 300)]
    modalities = rng.integers(0, 2, 300)
    queries = patterns[rng.integers(0, 6, num_queries)]
    index = GalleryIndex.create(tmp_path / 'index', 16, FINGERPRINT)
    index.add(gallery, chip_records(modalities))
    for modality, allowed in (('any', modalities >= 0),
                              ('sar', modalities == SAR)):
        reference = reference_ranking(gallery, queries, topk, allowed)
        assert len(np.unique(reference[0][1])) < topk  # ties in the top-k
        assert_same_ranking(index.search(queries, topk, modality), reference,
                            True)


def test_modality_filter_never_returns_the_other_modality(tmp_path):
    features, _, modalities = clustered_features(800, 24, seed=3)
    index = GalleryIndex.create(tmp_path / 'index', 24, FINGERPRINT)
    index.add(features, chip_records(modalities))
    for name, code in (('optical', OPTICAL), ('sar', SAR), (OPTICAL, OPTICAL),
                       (SAR, SAR)):
        # the queries are the chips themselves: their own modality is the
        # nearest, and all of it must be skipped
        hits = index.search(features, 20, modality=name)
        assert all(len(query_hits) == 20 for query_hits in hits)
        assert {h.chip.modality for query in hits for h in query} == {code}
    mixed = index.search(features[:50], 20, modality='any')
    assert {h.chip.modality for query in mixed for h in query} == {0, 1}


def test_bad_search_arguments_are_named(tmp_path):
    index = GalleryIndex.create(tmp_path / 'index', 8, FINGERPRINT)
    queries = np.ones((2, 8), np.float32)
    with pytest.raises(ValueError, match="modality='infrared'; expected"):
        index.search(queries, 5, modality='infrared')
    with pytest.raises(ValueError, match=r'shape \(2, 7\); expected \(N, 8\)'):
        index.search(queries[:, :7], 5)
    with pytest.raises(ValueError, match='topk=0 must be a positive'):
        index.search(queries, 0)
    with pytest.raises(ValueError, match='feature row 1 is all zero'):
        index.search(np.stack([queries[0], np.zeros(8, np.float32)]), 5)
    assert index.search(queries, 5) == [[], []]  # empty gallery
