"""tools/build_index.py, tools/search.py and tools/retrieve.py --index on
the HOSS samples with a small random SDF-Net: a build killed and resumed,
appends, refused models, the metadata recorded, search output and
pictures.

The tools run in process (``main(argv)``) except the build that is killed,
a subprocess.
"""
import json
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import tifffile
from mmengine.config import Config

from chip_writers import UTM_33N, write_tiff
from sdfnet_mm.apis import ReIDInferencer
from sdfnet_mm.chips import find_chips, parse_hoss_name
from sdfnet_mm.retrieval import ChipRecord, GalleryIndex, ModelFingerprint
from sdfnet_mm.structures import OPTICAL, SAR
from tool_loading import load_tool
from tool_runner import (DEMO_CONFIG, REPO, expected_picture_size,
                         picture_size, tool_env)

build_index = load_tool('tools/build_index.py')
search_tool = load_tool('tools/search.py')
retrieve = load_tool('tools/retrieve.py')


@pytest.fixture(scope='module')
def other_checkpoint(tiny, tmp_path_factory):
    """The tiny model with one weight changed."""
    import torch
    state = torch.load(tiny[2], weights_only=True)
    name = next(iter(state['state_dict']))
    state['state_dict'][name] += 1
    path = tmp_path_factory.mktemp('other') / 'other.pth'
    torch.save(state, path)
    return path


def model_args(tiny, checkpoint=None) -> list:
    options, _, tiny_checkpoint = tiny
    return [str(REPO / DEMO_CONFIG), str(checkpoint or tiny_checkpoint),
            '--cfg-options', *options]


def build_argv(tiny, folders, out, *extra, checkpoint=None) -> list:
    config, checkpoint, *options = model_args(tiny, checkpoint)
    return [config, checkpoint, *map(str, folders), '--out', str(out),
            '--batch-size', '8', *extra, *options]


def manifest_version(out) -> int:
    try:
        return json.loads((out / 'manifest.json').read_text())['version']
    except (FileNotFoundError, ValueError):
        return 0


def build_runs(out) -> list:
    return json.loads((out / 'build.json').read_text())['runs']


@pytest.fixture(scope='module')
def hoss_index(tiny, inferencer, hoss_root, tmp_path_factory):
    """An index of the query chips built by a process killed after its
    first save, then resumed: (index folder, chips saved when killed)."""
    out = tmp_path_factory.mktemp('hoss') / 'index'
    argv = build_argv(tiny, [hoss_root / 'query'], out, '--save-every', '2')
    process = subprocess.Popen(
        [sys.executable, str(REPO / 'tools/build_index.py'), *argv],
        cwd=REPO, env=tool_env(), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while manifest_version(out) < 2:  # 1: the empty index, 2: two chips
        assert process.poll() is None, process.stderr.read()[-3000:]
        assert time.monotonic() < deadline, 'no save within 240 s'
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    killed = GalleryIndex.open(out, inferencer.fingerprint())
    saved = len(killed)
    assert build_runs(out) == [dict(arguments=build_runs(out)[0]['arguments'],
                                    finished=False)]
    build_index.main(argv)
    return out, saved


def test_killed_build_resumes_with_every_chip_once(hoss_index, inferencer,
                                                   hoss_root):
    out, saved = hoss_index
    paths = find_chips([hoss_root / 'query'])
    assert 2 <= saved < len(paths)  # killed in the middle
    index = GalleryIndex.open(out, inferencer.fingerprint())
    # Paths are unique in an index: all of them and no more = each once.
    assert len(index) == len(paths) and index.has_paths(paths) == set(paths)
    assert [run['finished'] for run in build_runs(out)] == [True]
    # Each row holds its own chip's feature, also those added on resuming.
    features = inferencer(paths, batch_size=8)['features']
    nearest = index.search(features, topk=1, modality='any')
    assert [hits[0].chip.path for hits in nearest] == paths
    assert max(hits[0].distance for hits in nearest) < 1e-5


def test_hoss_metadata(hoss_index, hoss_root):
    out, _ = hoss_index
    index = GalleryIndex.open(out, None)
    paths = find_chips([hoss_root / 'query'])
    records = index.records(paths)
    for path in paths:
        identity, modality = parse_hoss_name(path)
        record = records[path]
        assert (record.modality, record.ship_id) == (modality, identity)
        assert record.gsd == (0.75 if modality == OPTICAL else 1.0)
        assert record.gsd_source == 'HOSS'
        assert record.sar_scale == (None if modality == OPTICAL
                                    else 'amplitude')
        assert record.capture_time is None and record.sensor is None


def test_existing_index_refused_and_append(hoss_index, tiny, hoss_root,
                                           other_checkpoint, tmp_path,
                                           capsys):
    out, _ = hoss_index
    argv = build_argv(tiny, [hoss_root / 'query'], out)
    with pytest.raises(SystemExit, match='already holds a finished gallery '
                       'index; add chips to an index with --append'):
        build_index.main(argv)
    # Another model may not add to it.
    version = manifest_version(out)
    with pytest.raises(SystemExit, match='index built with checkpoint .*'
                       'tiny.pth .* but the model given has checkpoint '
                       '.*other.pth'):
        build_index.main(build_argv(tiny, [hoss_root / 'query'], out,
                                    '--append', checkpoint=other_checkpoint))
    assert manifest_version(out) == version
    assert [run['finished'] for run in build_runs(out)] == [True]
    with pytest.raises(SystemExit, match='no gallery index to append to'):
        build_index.main(build_argv(tiny, [hoss_root / 'query'],
                                    tmp_path / 'none', '--append'))
    # Append: only the chips not in the index yet are added.
    build_index.main(build_argv(tiny, [hoss_root / 'query',
                                       hoss_root / 'bounding_box_test'],
                                out, '--append'))
    printed = capsys.readouterr().out
    gallery = find_chips([hoss_root / 'bounding_box_test'])
    assert f'{31 + len(gallery)} chips under' in printed
    assert f'31 already in {out}, {len(gallery)} to add' in printed
    index = GalleryIndex.open(out, None)
    assert len(index) == 31 + len(gallery)
    assert index.has_paths(gallery) == set(gallery)
    assert [run['finished'] for run in build_runs(out)] == [True, True]


def sar_amplitude(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).gamma(
        2.0, 50.0, (40, 16)).astype(np.float32)


def test_other_sensors_metadata_and_unreadable_chip(tiny, inferencer,
                                                    tmp_path):
    """GSD from GeoTIFF tags vs --gsd, capture time from the TIFF tag,
    sensor; a chip that cannot be read stops the build naming it, with the
    chips of the chunks before it saved and none of its chunk."""
    archive = tmp_path / 'archive'
    archive.mkdir()
    geo = write_tiff(archive / 'a_geo.tif', sar_amplitude(0), UTM_33N,
                     scale=(3.0, 3.0))
    plain = archive / 'b_plain.tif'
    tifffile.imwrite(plain, sar_amplitude(1), datetime='2023:02:01 10:30:00')
    broken = archive / 'c_broken.tif'
    broken.write_bytes(b'II*\x00' + bytes(100))
    last = archive / 'd_plain.tif'
    tifffile.imwrite(last, sar_amplitude(2))
    out = tmp_path / 'index'
    argv = build_argv(tiny, [archive], out, '--save-every', '2',
                      '--modality', 'sar', '--gsd', 'sar=2.5',
                      '--sar-scale', 'amplitude', '--sensor',
                      'sar=Sentinel-1')
    with pytest.raises(SystemExit, match=f'{broken}: cannot read the image'
                       f'.*\n{out} holds the 2 chips saved before this '
                       'chunk'):
        build_index.main(argv)
    index = GalleryIndex.open(out, inferencer.fingerprint())
    assert index.has_paths(find_chips([archive])) == {geo, str(plain)}
    broken.unlink()
    build_index.main(argv)
    index = GalleryIndex.open(out, inferencer.fingerprint())
    records = index.records(find_chips([archive]))
    assert sorted(records) == [geo, str(plain), str(last)]
    assert (records[geo].gsd, records[geo].gsd_source) == (3.0,
                                                           'GeoTIFF tags')
    assert records[geo].capture_time is None
    assert (records[str(plain)].gsd,
            records[str(plain)].gsd_source) == (2.5, '--gsd sar')
    assert records[str(plain)].capture_time == '2023-02-01T10:30:00'
    for record in records.values():
        assert (record.modality, record.sensor, record.sar_scale,
                record.ship_id) == (SAR, 'Sentinel-1', 'amplitude', None)


def printed_lists(text: str) -> dict:
    """query path -> [(distance, modality, ship, path)] of search.py."""
    lists, query = {}, None
    for line in text.splitlines():
        if line.startswith('query '):
            query = line.split()[1]
            lists[query] = []
        elif query and line.strip() and line.split()[0].isdigit():
            rank, distance, modality, ship, path = line.split()
            assert int(rank) == len(lists[query]) + 1
            lists[query].append((float(distance), modality, ship, path))
    return lists


def test_search_tool_lists_and_pictures(hoss_index, tiny, inferencer,
                                        hoss_root, other_checkpoint,
                                        tmp_path, capsys):
    """Against brute force over the same chips' features; model from the
    build log; other modality by default, or the one asked for."""
    out, _ = hoss_index
    index = GalleryIndex.open(out, None)
    gallery = [path for path in
               find_chips([hoss_root / 'query',
                           hoss_root / 'bounding_box_test'])
               if index.has_paths([path])]
    results = inferencer(gallery, batch_size=8)
    queries = [str(hoss_root / 'query' / '0002_s05c1_RGB.tif'),
               str(hoss_root / 'query' / '0206_s01c1_SAR.tif')]
    pictures = tmp_path / 'pictures'
    capsys.readouterr()
    search_tool.main([str(out), *queries, '--topk', '5', '--out',
                      str(pictures)])
    lists = printed_lists(capsys.readouterr().out)
    assert list(lists) == queries
    for query in queries:
        row = gallery.index(query)
        other = results['modalities'] != results['modalities'][row]
        candidates = np.flatnonzero(other)
        order, dist = inferencer.rank(results['features'][[row]],
                                      results['features'][candidates], 5)
        expected = [gallery[i] for i in candidates[order[0]]]
        assert [hit[3] for hit in lists[query]] == expected
        np.testing.assert_allclose([hit[0] for hit in lists[query]], dist[0],
                                   atol=1e-4)
        name = 'SAR' if parse_hoss_name(query).modality == OPTICAL \
            else 'optical'
        assert {hit[1] for hit in lists[query]} == {name}
        ids = [parse_hoss_name(path).identity for path in expected]
        assert [hit[2] for hit in lists[query]] == [
            str(i) if i >= 0 else '?' for i in ids]  # distractors: none
        picture = pictures / (query.rsplit('/', 1)[1][:-4] + '.png')
        assert picture_size(picture) == expected_picture_size(
            [query, *expected])
    search_tool.main([str(out), queries[0], '--topk', '3', '--modality',
                      'optical'])
    hits = printed_lists(capsys.readouterr().out)[queries[0]]
    assert hits[0][:2] == (0.0, 'optical') and hits[0][3] == queries[0]
    with pytest.raises(SystemExit, match='index built with checkpoint'):
        search_tool.main([str(out), queries[0], '--checkpoint',
                          str(other_checkpoint)])
    with pytest.raises(SystemExit, match='manifest.json not found'):
        search_tool.main([str(tmp_path), queries[0]])


def test_search_an_index_made_with_the_library(tiny, hoss_root, tmp_path,
                                               capsys):
    """Without a build log, the model is the config and checkpoint files
    the index's fingerprint names; a config object it cannot load."""
    _, cfg, checkpoint = tiny
    config = tmp_path / 'tiny_config.py'
    cfg.dump(config)
    inferencer = ReIDInferencer(str(config), str(checkpoint))
    gallery = inferencer(str(hoss_root / 'query'), batch_size=8)
    for name, fingerprint in (('files', inferencer.fingerprint()),
                              ('object', ModelFingerprint.of_files(
                                  checkpoint, Config(cfg.to_dict())))):
        index = GalleryIndex.create(tmp_path / name, 32, fingerprint)
        index.add(gallery['features'], [
            ChipRecord(path, int(modality)) for path, modality in zip(
                gallery['paths'], gallery['modalities'])])
        index.save()
    query = gallery['paths'][0]
    search_tool.main([str(tmp_path / 'files'), query, '--topk', '2',
                      '--modality', 'any'])
    hits = printed_lists(capsys.readouterr().out)[query]
    assert hits[0][0] == 0.0 and hits[0][3] == query
    with pytest.raises(SystemExit, match='neither a build log nor the '
                       'fingerprint names the config and checkpoint files'):
        search_tool.main([str(tmp_path / 'object'), query])


def ranked_lines(text: str) -> list:
    """The query and rank lines of retrieve.py (no progress bars)."""
    return [line for line in text.splitlines()
            if line.startswith('query ') or re.match(r'\s+\d+\s', line)]


def test_retrieve_with_an_index_ranks_as_with_the_folder(
        tiny, inferencer, hoss_root, tmp_path, capsys):
    """retrieve.py --index INDEX (built from a folder) prints the lists
    retrieve.py --gallery FOLDER prints."""
    out = tmp_path / 'index'
    build_index.main(build_argv(tiny, [hoss_root / 'query'], out))
    capsys.readouterr()
    config, checkpoint, *options = model_args(tiny)
    common = [config, checkpoint, '--query',
              str(hoss_root / 'query' / '0206_s01c1_SAR.tif'), '--topk', '8',
              *options]
    retrieve.main(common + ['--gallery', str(hoss_root / 'query')])
    by_folder = ranked_lines(capsys.readouterr().out)
    retrieve.main(common + ['--index', str(out)])
    by_index = ranked_lines(capsys.readouterr().out)
    assert by_index == by_folder and len(by_index) == 9


@pytest.mark.parametrize('approx', [
    ['--approx', 'ivfpq', '--nlist', '2', '--pq-m', '4', '--pq-nbits', '3',
     '--nprobe', '2'],
    ['--approx', 'hnsw', '--hnsw-m', '8', '--ef-search', '16'],
])
def test_approximate_builds(tiny, inferencer, hoss_root, tmp_path, approx,
                            capsys):
    """IVF-PQ: chunks held until each modality has its training rows (here
    the chips end first: trained on all), then added; HNSW: no training.
    Every chip finds itself."""
    out = tmp_path / 'index'
    build_index.main(build_argv(tiny, [hoss_root / 'query'], out,
                                '--save-every', '4', *approx))
    index = GalleryIndex.open(out, inferencer.fingerprint())
    assert index.spec.kind == approx[1] and not index.needs_training
    paths = find_chips([hoss_root / 'query'])
    assert len(index) == len(paths)
    nearest = index.search(inferencer(paths, batch_size=8)['features'], 1)
    assert [hits[0].chip.path for hits in nearest] == paths
    with pytest.raises(SystemExit):
        build_index.main(build_argv(tiny, [hoss_root / 'query'], out,
                                    '--append', *approx))
    assert 'error: --approx with --append' in capsys.readouterr().err
