"""Adding, saving, reopening: round trips, refusals of a foreign or
tampered index, all-or-nothing adds and saves killed midway."""
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import faiss
import numpy as np
import pytest

from retrieval_data import FINGERPRINT, chip_records, clustered_features
from sdfnet_mm.retrieval import (ChipRecord, GalleryIndex, HNSWSpec,
                                 IVFPQSpec, ModelFingerprint)

REPO = Path(__file__).resolve().parents[2]
SPECS = {
    'exact': None,
    'ivfpq': IVFPQSpec(nlist=8, m=8, nbits=6, nprobe=4, refine_factor=4),
    'hnsw': HNSWSpec(m=8, ef_construction=20, ef_search=20),
}


def build(directory, kind='exact', num=400, seed=0) -> GalleryIndex:
    """An index of ``num`` clustered 16-d chips, saved."""
    features, _, modalities = clustered_features(num, 16, seed=seed)
    index = GalleryIndex.create(directory, 16, FINGERPRINT,
                                approx=SPECS[kind])
    if index.needs_training:
        index.train(features, modalities)
    index.add(features, chip_records(modalities))
    index.save()
    return index


def results(index, queries) -> list:
    """Hits of a search of both modalities, as plain tuples."""
    return [[(h.row, h.distance, h.chip) for h in hits]
            for hits in index.search(queries, 8)]


def snapshot(directory: Path) -> dict:
    """Relative path -> SHA-256 of every file under ``directory``."""
    return {str(p.relative_to(directory)):
            hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob('*')) if p.is_file()}


def test_incremental_adds_equal_one_add(tmp_path):
    features, _, modalities = clustered_features(900, 16, seed=1)
    records = chip_records(modalities)
    whole = GalleryIndex.create(tmp_path / 'whole', 16, FINGERPRINT)
    whole.add(features, records)
    parts = GalleryIndex.create(tmp_path / 'parts', 16, FINGERPRINT)
    for start, stop in ((0, 250), (250, 251), (251, 900)):
        rows = parts.add(features[start:stop], records[start:stop])
        assert rows.tolist() == list(range(start, stop))
        newest = parts.search(features[stop - 1:stop], 1)[0][0]
        assert newest.row == stop - 1 and newest.distance < 1e-6
    assert results(parts, features[::50]) == results(whole, features[::50])
    assert len(parts) == 900
    assert parts.count('sar') == int(modalities.sum())


@pytest.mark.parametrize('kind', SPECS)
def test_save_then_open_gives_the_same_results(tmp_path, kind):
    index = build(tmp_path / 'index', kind)
    queries, _, _ = clustered_features(20, 16, seed=9)
    before = results(index, queries)
    reopened = GalleryIndex.open(tmp_path / 'index', FINGERPRINT)
    assert results(reopened, queries) == before
    assert reopened.spec == index.spec and len(reopened) == 400
    paths = ['archive/chip_000003.tif', 'archive/chip_000399.tif',
             'archive/chip_000400.tif']
    assert reopened.has_paths(paths) == set(paths[:2])
    assert sorted(p.name for p in (tmp_path / 'index').iterdir()) == [
        'manifest.json', 'v000002']


def test_index_of_another_model_is_refused(tmp_path):
    build(tmp_path / 'index')
    other = ModelFingerprint('work_dirs/b/epoch_50.pth', 'b' * 64,
                             FINGERPRINT.config, FINGERPRINT.config_sha256)
    with pytest.raises(ValueError) as error:
        GalleryIndex.open(tmp_path / 'index', other)
    assert str(error.value) == (
        f"{tmp_path / 'index'}: index built with checkpoint "
        'work_dirs/a/epoch_100.pth (sha256 aaaaaaaaaaaa) but the model given '
        'has checkpoint work_dirs/b/epoch_50.pth (sha256 bbbbbbbbbbbb); '
        'rebuild it with tools/build_index.py for this model')
    assert len(GalleryIndex.open(tmp_path / 'index', None)) == 400


def test_row_count_mismatch_between_faiss_and_sqlite_is_refused(tmp_path):
    build(tmp_path / 'index')
    folder = tmp_path / 'index' / 'v000002'
    sar = faiss.read_index(str(folder / 'sar.faiss'))
    sar.remove_ids(np.array([0], dtype=np.int64))
    faiss.write_index(sar, str(folder / 'sar.faiss'))
    with pytest.raises(ValueError, match=(
            r'inconsistent gallery index: SAR row counts differ: '
            rf'{folder}/sar.faiss holds {sar.ntotal} features, '
            rf'{folder}/chips.sqlite lists {sar.ntotal + 1} chips, '
            rf'.*manifest.json says {sar.ntotal + 1}; rebuild it')):
        GalleryIndex.open(tmp_path / 'index', FINGERPRINT)


def test_sqlite_row_deleted_is_refused(tmp_path):
    build(tmp_path / 'index')
    database = tmp_path / 'index' / 'v000002' / 'chips.sqlite'
    with sqlite3.connect(database) as connection:
        connection.execute('DELETE FROM chips WHERE row = 7')
    with pytest.raises(ValueError, match=r'chips.sqlite lists \d+ chips'):
        GalleryIndex.open(tmp_path / 'index', FINGERPRINT)


def bad_batches(features, modalities):
    """(name, features, records, error) of adds that must change nothing."""
    records = chip_records(modalities, start=400, seed=5)
    nan = features.copy()
    nan[3, 2] = np.nan
    return [
        ('path already in the index', features,
         records[:-1] + [ChipRecord('archive/chip_000010.tif', 'sar')],
         r'1 paths are already in .*chip_000010.tif'),
        ('path twice in the batch', features,
         records[:-1] + [records[0]], 'occur twice in this batch'),
        ('bad modality', features,
         records[:-1] + [ChipRecord('x.tif', 'infrared')],
         r"record 9 \(x.tif\): 'infrared' is not a modality"),
        ('bad capture time', features,
         records[:-1] + [ChipRecord('x.tif', 'sar',
                                    capture_time='2023-13-01')],
         "record 9 \\(x.tif\\): capture time '2023-13-01' is not ISO-8601"),
        ('SAR scale of an optical chip', features,
         records[:-1] + [ChipRecord('x.tif', 'optical', sar_scale='db')],
         r"record 9 \(x.tif\): sar_scale 'db' given for an optical chip"),
        ('unknown SAR scale', features,
         records[:-1] + [ChipRecord('x.tif', 'sar', sar_scale='log')],
         r"record 9 \(x.tif\): sar_scale: 'log'; expected one of"),
        ('bands of a SAR chip', features,
         records[:-1] + [ChipRecord('x.tif', 'sar', optical_bands='2,1,0')],
         r"record 9 \(x.tif\): optical_bands '2,1,0' given for a SAR"),
        ('GSD source not text', features,
         records[:-1] + [ChipRecord('x.tif', 'sar', gsd_source=3)],
         r'record 9 \(x.tif\): gsd_source 3 must be a string'),
        ('non-finite feature', nan, records, 'feature row 3 is all zero or '
         'not finite'),
        ('count mismatch', features[:9], records, '9 features but 10 records'),
    ]


def test_failed_add_changes_nothing_in_memory_or_on_disk(tmp_path):
    index = build(tmp_path / 'index')
    on_disk = snapshot(tmp_path / 'index')
    queries, _, _ = clustered_features(10, 16, seed=7)
    before = results(index, queries)
    features, _, modalities = clustered_features(10, 16, seed=5)
    for name, batch, records, error in bad_batches(features, modalities):
        with pytest.raises(ValueError, match=error):
            index.add(batch, records)
        assert len(index) == 400 and index.count('optical') + index.count(
            'sar') == 400, name
        assert results(index, queries) == before, name
    assert snapshot(tmp_path / 'index') == on_disk
    index.add(features, chip_records(modalities, start=400, seed=5))
    assert len(index) == 410
    assert GalleryIndex.open(tmp_path / 'index', FINGERPRINT).__len__() == 400


def save_killed_at(directory: Path, stage: str) -> None:
    """In a forked process: open the index, add 50 chips, save, and be
    killed (SIGKILL) at the first call of ``os.<stage>``."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        try:
            index = GalleryIndex.open(directory, FINGERPRINT)
            features, _, modalities = clustered_features(50, 16, seed=8)
            index.add(features, chip_records(modalities, start=400))

            def stall(*args):
                os.write(write_end, b'saving')
                time.sleep(600)

            setattr(os, stage, stall)
            index.save()
        finally:
            os._exit(1)
    os.close(write_end)
    try:
        assert os.read(read_end, 6) == b'saving'
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_end)


@pytest.mark.parametrize('stage', ['fsync', 'replace'])
def test_save_killed_midway_leaves_the_previous_index(tmp_path, stage):
    """SIGKILL while the new version's files are being flushed (first
    ``os.fsync``) or just before the manifest is renamed into place
    (``os.replace``): the previous version opens; the next save cleans up."""
    directory = tmp_path / 'index'
    build(directory)
    save_killed_at(directory, stage)
    left = {p.name for p in directory.iterdir()}
    assert 'v000003' in left  # the killed save had begun writing
    index = GalleryIndex.open(directory, FINGERPRINT)
    assert len(index) == 400 and not index.has_paths(
        ['archive/chip_000400.tif'])
    index.save()
    assert sorted(p.name for p in directory.iterdir()) == [
        'manifest.json', 'v000003']
    assert len(GalleryIndex.open(directory, FINGERPRINT)) == 400


def test_create_refuses_an_existing_index(tmp_path):
    build(tmp_path / 'index')
    with pytest.raises(FileExistsError, match='already holds a gallery index'):
        GalleryIndex.create(tmp_path / 'index', 16, FINGERPRINT)
    with pytest.raises(FileNotFoundError, match='is not a gallery index'):
        GalleryIndex.open(tmp_path / 'nothing', FINGERPRINT)


def test_model_fingerprint_hashes_checkpoint_and_resolved_config(tmp_path):
    from mmengine.config import Config
    checkpoint = tmp_path / 'epoch_1.pth'
    checkpoint.write_bytes(b'weights' * 1000)
    config = REPO / 'configs/demo/sdfnet_vit-tiny_synthetic.py'
    first = ModelFingerprint.of_files(checkpoint, config)
    assert first == ModelFingerprint.of_files(checkpoint, config)
    assert first.checkpoint_sha256 == hashlib.sha256(
        checkpoint.read_bytes()).hexdigest()
    checkpoint.write_bytes(b'weights' * 999 + b'WEIGHTS')
    retrained = ModelFingerprint.of_files(checkpoint, config)
    assert first.difference(retrained).startswith(
        f'checkpoint {checkpoint} (sha256 {first.checkpoint_sha256[:12]}) but')
    changed = Config.fromfile(config)
    changed.model.backbone.drop_path_rate = 0.5
    other_config = ModelFingerprint.of_files(checkpoint, changed)
    assert other_config.config_sha256 != retrained.config_sha256
    assert first.difference(first) is None


def test_sdfnet_mm_and_its_models_do_not_import_faiss():
    check = ('import sys, sdfnet_mm, sdfnet_mm.models, sdfnet_mm.structures; '
             "assert 'faiss' not in sys.modules, 'faiss imported'; "
             "import sdfnet_mm.retrieval; assert 'faiss' in sys.modules")
    subprocess.run([sys.executable, '-c', check], cwd=REPO, check=True,
                   env={'PYTHONPATH': str(REPO)})


def test_records_round_trip_as_normalised(tmp_path):
    """Every field of a record comes back from the saved index as
    ``normalised`` gives it (bands as text, UTC capture time)."""
    records = [
        ChipRecord('s1.tif', 'sar', 'Sentinel-1', 10.0,
                   '2023-02-01T11:30:00+01:00', None, '--gsd sar',
                   'intensity'),
        ChipRecord('wv.tif', 0, 'WorldView-3', 0.31, None, 17,
                   'GeoTIFF tags', None, (2, 1, 0)),
    ]
    features, _, _ = clustered_features(2, 16, seed=3)
    index = GalleryIndex.create(tmp_path / 'index', 16, FINGERPRINT)
    index.add(features, records)
    index.save()
    stored = GalleryIndex.open(tmp_path / 'index', FINGERPRINT).records(
        ['wv.tif', 's1.tif', 'absent.tif'])
    assert stored == {r.path: r.normalised('x') for r in records}
    assert stored['wv.tif'].optical_bands == '2,1,0'
    assert stored['s1.tif'].capture_time == '2023-02-01T10:30:00'
    assert stored['s1.tif'].modality == 1
