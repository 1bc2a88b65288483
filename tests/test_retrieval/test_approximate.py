"""Approximate indexes: recall against the exact index on a small clustered
set, training, search parameters."""
import numpy as np
import pytest

from retrieval_data import FINGERPRINT, chip_records, clustered_features
from sdfnet_mm.retrieval import GalleryIndex, HNSWSpec, IVFPQSpec

#: Small enough for a 3000-chip gallery (1500 per modality).
SPECS = {
    'ivfpq': IVFPQSpec(nlist=16, m=16, nbits=8, nprobe=8, refine_factor=8),
    'hnsw': HNSWSpec(m=16, ef_construction=40, ef_search=32),
}


def recall_at_10(index, exact, queries, modality) -> float:
    """Mean share of the exact top-10 rows that ``index`` returns."""
    found = index.search(queries, 10, modality)
    truth = exact.search(queries, 10, modality)
    assert len(found) == len(truth) == len(queries)
    return np.mean([
        len({h.row for h in a} & {h.row for h in b}) / len(b)
        for a, b in zip(found, truth)
    ])


@pytest.mark.parametrize('kind', SPECS)
def test_approximate_recall_on_clustered_features(tmp_path, kind):
    features, _, modalities = clustered_features(3000, 64, seed=0)
    queries, _, query_modalities = clustered_features(
        200, 64, seed=0, num_ids=300)  # same identities, new views
    records = chip_records(modalities)
    exact = GalleryIndex.create(tmp_path / 'exact', 64, FINGERPRINT)
    exact.add(features, records)
    index = GalleryIndex.create(tmp_path / kind, 64, FINGERPRINT,
                                approx=SPECS[kind])
    if index.needs_training:
        index.train(features, modalities)
    index.add(features, records)
    for modality in ('any', 'sar'):
        assert recall_at_10(index, exact, queries, modality) >= 0.9
    # exact re-ranking / flat storage: the distances of what is found are
    # the exact ones
    found = index.search(queries[:20], 10)
    truth = {(q, h.row): h.distance for q, hits in enumerate(
        exact.search(queries[:20], 50)) for h in hits}
    for q, hits in enumerate(found):
        for hit in hits:
            if (q, hit.row) in truth:
                assert hit.distance == pytest.approx(truth[q, hit.row],
                                                     abs=1e-6)


def test_wider_search_parameters_raise_recall(tmp_path):
    features, _, modalities = clustered_features(3000, 64, seed=1)
    queries, _, _ = clustered_features(200, 64, seed=1, num_ids=300)
    records = chip_records(modalities)
    exact = GalleryIndex.create(tmp_path / 'exact', 64, FINGERPRINT)
    exact.add(features, records)
    index = GalleryIndex.create(
        tmp_path / 'ivfpq', 64, FINGERPRINT,
        approx=IVFPQSpec(nlist=32, m=8, nbits=6, nprobe=1, refine_factor=1))
    index.train(features, modalities)
    index.add(features, records)
    narrow = recall_at_10(index, exact, queries, 'any')
    index.set_search_params(nprobe=32, refine_factor=8)
    assert recall_at_10(index, exact, queries, 'any') > narrow + 0.1
    index.save()
    reopened = GalleryIndex.open(tmp_path / 'ivfpq', FINGERPRINT)
    assert reopened.spec.nprobe == 32 and reopened.spec.refine_factor == 8
    with pytest.raises(ValueError, match=r"\['nlist'\] are not search "
                       'parameters of the ivfpq index'):
        index.set_search_params(nlist=64)
    with pytest.raises(ValueError, match='ivfpq parameter nprobe=0 must be '
                       'a positive integer'):
        index.set_search_params(nprobe=0)
    assert index.spec.nprobe == 32


def test_ivfpq_must_be_trained_before_adding(tmp_path):
    features, _, modalities = clustered_features(300, 16, seed=2)
    spec = IVFPQSpec(nlist=64, m=4, nbits=6)
    GalleryIndex.create(tmp_path / 'index', 16, FINGERPRINT, approx=spec)
    index = GalleryIndex.open(tmp_path / 'index', FINGERPRINT)  # untrained
    with pytest.raises(ValueError, match=r'not trained \(optical, SAR\); '
                       r'call GalleryIndex.train'):
        index.add(features, chip_records(modalities))
    with pytest.raises(ValueError, match=r'SAR rows; IVF64,PQ4x6,Refine\(Flat'
                       r'\) needs at least 64'):
        index.train(features[modalities == 0][:70], np.zeros(70, int))
    index.train(features[:300], modalities[:300] * 0 + np.arange(300) % 2)
    assert not index.needs_training
    with pytest.raises(ValueError, match='needs no \\(more\\) training'):
        index.train(features, modalities)
    index.add(features, chip_records(modalities))
    with pytest.raises(ValueError, match='m=5 must divide dim=16'):
        GalleryIndex.create(tmp_path / 'bad', 16, FINGERPRINT,
                            approx=IVFPQSpec(m=5))
    with pytest.raises(ValueError, match="hnsw parameter m=2.5 must be"):
        GalleryIndex.create(tmp_path / 'bad', 16, FINGERPRINT,
                            approx=HNSWSpec(m=2.5))
