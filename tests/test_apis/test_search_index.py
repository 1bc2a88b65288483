"""ReIDInferencer.search_index against a brute-force ranking of the same
chips' features, on the HOSS samples with a small random SDF-Net; the
gallery index built by GalleryBuild in chunks."""
import numpy as np
import pytest

from sdfnet_mm.apis import ReIDInferencer
from sdfnet_mm.apis.gallery_build import GalleryBuild
from sdfnet_mm.chips import find_chips
from sdfnet_mm.retrieval import ChipFilter, GalleryIndex, ModelFingerprint


@pytest.fixture(scope='module')
def gallery(inferencer, hoss_root, tmp_path_factory):
    """(index folder, gallery results): the test chips, added in chunks of
    16 (the last one short)."""
    paths = find_chips([hoss_root / 'bounding_box_test'])
    out = tmp_path_factory.mktemp('gallery') / 'index'
    build = GalleryBuild(inferencer, out)
    assert build.add(paths, save_every=16, batch_size=8) == len(paths)
    return out, inferencer(paths, batch_size=8)


def brute_force(query, gallery, mask, topk, inferencer):
    """(paths, distances) of ``inferencer.rank`` over the masked gallery."""
    rows = np.flatnonzero(mask)
    order, dist = inferencer.rank(query[None], gallery['features'][rows],
                                  topk)
    return [gallery['paths'][i] for i in rows[order[0]]], dist[0]


@pytest.mark.parametrize('gallery_modality', ['other', 'any', 'sar'])
def test_search_index_equals_brute_force(inferencer, gallery, hoss_root,
                                         gallery_modality):
    out, results = gallery
    queries, hits = inferencer.search_index(
        str(hoss_root / 'query'), out, topk=7,
        gallery_modality=gallery_modality, batch_size=8)
    assert len(hits) == len(queries['paths']) == 31
    for feature, modality, row in zip(queries['features'],
                                      queries['modalities'], hits):
        mask = {
            'other': results['modalities'] != modality,
            'any': np.ones(len(results['paths']), bool),
            'sar': results['modalities'] == 1,
        }[gallery_modality]
        paths, dist = brute_force(feature, results, mask, 7, inferencer)
        assert [hit.chip.path for hit in row] == paths
        np.testing.assert_allclose([hit.distance for hit in row], dist,
                                   atol=1e-5)


def test_search_index_filters_and_data_infos(inferencer, gallery,
                                             hoss_root):
    """Data infos of ``chips`` give the features of their paths; a
    metadata filter restricts the gallery as the mask of brute force."""
    out, results = gallery
    query = str(hoss_root / 'query' / '0206_s01c1_SAR.tif')
    infos = inferencer.chips([query])
    assert infos[0]['chip'].gsd.source == 'HOSS'
    index = GalleryIndex.open(out, inferencer.fingerprint())
    _, hits = inferencer.search_index(
        infos, index, topk=5, where=ChipFilter(ship_id_known=True))
    mask = (results['modalities'] == 0) & (results['ids'] >= 0)
    feature = inferencer([query])['features'][0]
    paths, _ = brute_force(feature, results, mask, 5, inferencer)
    assert [hit.chip.path for hit in hits[0]] == paths
    with pytest.raises(ValueError, match='chip options .* data infos'):
        inferencer(infos, modality='sar')


def test_search_index_refuses_another_model(inferencer, tiny, hoss_root,
                                            tmp_path):
    real = inferencer.fingerprint()
    other = ModelFingerprint(real.checkpoint, '0' * 64, real.config,
                             real.config_sha256)
    index = GalleryIndex.create(tmp_path / 'other', 32, other)
    query = str(hoss_root / 'query' / '0206_s01c1_SAR.tif')
    for given in (index, tmp_path / 'other'):
        with pytest.raises(ValueError, match='index built with checkpoint .*'
                           '000000000000.* but the model given has '
                           f'checkpoint .*{real.checkpoint_sha256[:12]}'):
            inferencer.search_index(query, given)
    with pytest.raises(ValueError, match='no checkpoint was loaded'):
        ReIDInferencer(tiny[1]).fingerprint()


def test_fingerprint_is_that_of_the_files(inferencer, tiny):
    """The config as merged (cfg-options included) is what is hashed, as
    ModelFingerprint.of_files hashes a Config."""
    _, cfg, checkpoint = tiny
    assert inferencer.fingerprint() == ModelFingerprint.of_files(checkpoint,
                                                                 cfg)
    assert inferencer.fingerprint().config.endswith(
        'sdfnet_vit-tiny_synthetic.py')
