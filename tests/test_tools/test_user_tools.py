"""User tools on the HOSS samples: ReIDInferencer, ranked-list pictures,
retrieve / extract_features / export_onnx, plot_cmc and visualize_worst.

One small randomly initialised SDF-Net (the demo config shrunk by
``tiny_options``, the ``tiny`` fixture of conftest.py) is saved once per
module and used by every tool.
"""
import json
import os
import shutil
from pathlib import Path

import numpy as np
import onnxruntime
import pytest
import tifffile
import torch
from PIL import Image

from sdfnet_mm.apis import ReIDInferencer
from sdfnet_mm.chips import ChipOptions, parse_hoss_name
from sdfnet_mm.structures import OPTICAL, SAR, PerQueryResults
from sdfnet_mm.visualization import Chip, draw_ranked_list
from sdfnet_mm.visualization.ranked_list import (FRAME, LABEL_LINES,
                                                 LINE_HEIGHT, MARGIN,
                                                 MATCH_COLOUR,
                                                 MIN_TILE_WIDTH,
                                                 MISMATCH_COLOUR, QUERY_GAP)

from tool_loading import load_tool
from tool_runner import (DEMO_CONFIG, HEIGHT, REPO, chip_size,
                         expected_picture_size, picture_size, python_tool)

CHANNELS = 32  # tiny_options' embed_dims


@pytest.fixture(scope='module')
def query_results(inferencer, hoss_root):
    return inferencer(str(hoss_root / 'query'), batch_size=16)


@pytest.fixture(scope='module')
def gallery_results(inferencer, hoss_root):
    return inferencer(str(hoss_root / 'bounding_box_test'), batch_size=16)


def cosine_ranking(query, gallery):
    """Brute-force reference: 1 - cos of L2-normalised features."""
    q = query / np.linalg.norm(query, axis=1, keepdims=True)
    g = gallery / np.linalg.norm(gallery, axis=1, keepdims=True)
    dist = 1 - q.astype(np.float64) @ g.T.astype(np.float64)
    return np.argsort(dist, axis=1, kind='stable'), dist


# ReIDInferencer ------------------------------------------------------------


def test_inferencer_outputs_follow_the_file_names(query_results, hoss_root):
    names = sorted(os.listdir(hoss_root / 'query'))
    assert query_results['paths'] == [
        str(hoss_root / 'query' / name) for name in names
    ]
    features = query_results['features']
    assert features.shape == (31, CHANNELS) and features.dtype == np.float32
    assert np.isfinite(features).all()
    parsed = [parse_hoss_name(name) for name in names]
    np.testing.assert_array_equal(query_results['ids'],
                                  [p.identity for p in parsed])
    np.testing.assert_array_equal(query_results['modalities'],
                                  [p.modality for p in parsed])
    assert set(query_results['modalities'].tolist()) == {OPTICAL, SAR}
    assert query_results['id_known'].all()


def test_inferencer_batches_and_ship_size_matter(inferencer, query_results,
                                                 hoss_root):
    paths = query_results['paths'][:5]
    single = inferencer(paths, batch_size=1)
    np.testing.assert_allclose(single['features'],
                               query_results['features'][:5], atol=1e-5)
    # Same pixels, a different ship size: the SSE token changes the feature.
    info = inferencer.data_info(paths[0])
    sample = inferencer.pipeline(dict(info, ship_size=(0.0, 0.0, 1.0)))
    batch = inferencer.model.data_preprocessor(
        dict(inputs=[sample['inputs']],
             data_samples=[sample['data_samples']]), False)
    with torch.no_grad():
        other = inferencer.model(**batch, mode='tensor')[0].numpy()
    assert np.abs(other - single['features'][0]).max() > 1e-4


def test_inferencer_precision(tiny, inferencer, query_results, hoss_root,
                              monkeypatch):
    """The demo config's float32 by default; bfloat16 autocast on request
    (emulated here: SDFNET_ALLOW_EMULATED_BF16) gives float32 features
    within bfloat16 rounding of float32's."""
    assert inferencer.precision.name == 'fp32'
    _, cfg, checkpoint = tiny
    monkeypatch.setenv('SDFNET_ALLOW_EMULATED_BF16', '1')
    bf16 = ReIDInferencer(cfg, str(checkpoint), precision='bf16')
    assert bf16.precision.name == 'bf16'
    features = bf16(str(hoss_root / 'query'), batch_size=16)['features']
    reference = query_results['features']
    assert features.dtype == np.float32
    scale = np.abs(reference).max()
    assert 0 < np.abs(features - reference).max() < 0.05 * scale
    cosine = (features * reference).sum(1) / np.linalg.norm(
        features, axis=1) / np.linalg.norm(reference, axis=1)
    assert cosine.min() > 0.999
    # The neck features of the feature tools take the same path.
    paths = query_results['paths'][:8]
    fused = bf16.neck_features(paths, batch_size=8)['fused']
    reference = inferencer.neck_features(paths, batch_size=8)['fused']
    assert fused.dtype == np.float32
    gap = np.abs(fused - reference).max()
    assert 0 < gap < 0.05 * np.abs(reference).max()


def test_inferencer_modality_argument(inferencer, query_results, hoss_root,
                                      tmp_path):
    source = hoss_root / 'query' / '0002_s05c1_RGB.tif'
    renamed = tmp_path / 'my_ship.tif'
    shutil.copy(source, renamed)
    with pytest.raises(ValueError, match='my_ship.tif.*modality'):
        inferencer(str(renamed))
    with pytest.raises(ValueError, match='my_ship.tif.*expected'):
        inferencer(str(renamed), modality='sar')  # header is uint8 RGB
    with pytest.raises(ValueError, match='radar'):
        inferencer(str(renamed), modality='radar')
    with pytest.raises(FileNotFoundError, match='qurey'):
        inferencer(str(hoss_root / 'qurey'))
    (tmp_path / 'empty').mkdir()
    with pytest.raises(ValueError, match='empty: no .tif'):
        inferencer(str(tmp_path / 'empty'))
    # Not a HOSS name, so not a HOSS chip: its GSD must be given.
    with pytest.raises(ValueError, match='my_ship.tif: the ground sample '
                       'distance is unknown.*--gsd optical=METRES'):
        inferencer(str(renamed), modality='optical')
    result = inferencer(str(renamed), modality='optical',
                        gsd={'optical': 0.75})
    assert result['ids'].tolist() == [-1]
    assert result['id_known'].tolist() == [False]
    assert result['modalities'].tolist() == [OPTICAL]
    index = query_results['paths'].index(str(source))
    np.testing.assert_allclose(result['features'][0],
                               query_results['features'][index], atol=1e-5)
    # A HOSS name wins over the argument (it is for other names only).
    named = inferencer(str(source), modality=SAR)
    assert named['modalities'].tolist() == [OPTICAL]


def test_inferencer_chips_of_other_sensors(inferencer, query_results,
                                           hoss_root, tmp_path):
    """A real optical chip as PNG, a real SAR chip as a float dB TIFF (scale
    detected) and as an intensity TIFF (declared) give the HOSS chips'
    features once their GSD is given; the ship size follows the GSD."""
    optical = hoss_root / 'query' / '0002_s05c1_RGB.tif'
    sar = hoss_root / 'query' / '0206_s01c1_SAR.tif'
    archive = tmp_path / 'archive'
    archive.mkdir()
    png = archive / 'opt_0002.PNG'
    Image.open(optical).save(png, format='PNG')
    (archive / 'notes.txt').write_text('not a chip')
    amplitude = np.array(Image.open(sar)).astype(np.float64)
    tifffile.imwrite(tmp_path / 'sar_db.tif', 20 * np.log10(amplitude))
    tifffile.imwrite(tmp_path / 'sar_int.tif', amplitude**2)

    def hoss_feature(path):
        return query_results['features'][query_results['paths'].index(
            str(path))]

    result = inferencer(str(archive), modality='optical',
                        gsd=['optical=0.75'])
    assert result['paths'] == [str(png)]
    np.testing.assert_allclose(result['features'][0], hoss_feature(optical),
                               atol=1e-5)
    by_chip = inferencer(str(archive), modality='optical',
                         chip_gsd={str(png): 0.75})
    np.testing.assert_allclose(by_chip['features'], result['features'],
                               atol=1e-6)
    with pytest.raises(ValueError, match='chip_gsd names .*nowhere.png'):
        inferencer(str(archive), modality='optical',
                   chip_gsd={'nowhere.png': 0.75})
    for name, scale in (('sar_db.tif', None), ('sar_int.tif', 'intensity')):
        result = inferencer(str(tmp_path / name), modality='sar',
                            gsd={'sar': 1.0}, sar_scale=scale)
        np.testing.assert_allclose(result['features'][0], hoss_feature(sar),
                                   atol=1e-5)
    with pytest.raises(ValueError, match='sar_int.tif: SAR scale unknown'):
        inferencer(str(tmp_path / 'sar_int.tif'), modality='sar',
                   gsd={'sar': 1.0})
    # 58 x 322 px at 2 m: W 116 m, H 644 m -> the SSE vector by hand.
    info = inferencer.data_info(str(png), OPTICAL,
                                ChipOptions(gsd={'optical': 2.0}))
    assert info['chip_size_m'] == (644.0, 116.0)
    assert info['ship_size'] == pytest.approx(
        (26.235865418, 33.780539397, 5.551724138), abs=1e-8)


def test_rank_is_cosine_on_normalised_features(inferencer, query_results,
                                               gallery_results):
    query, gallery = query_results['features'], gallery_results['features']
    index, dist = inferencer.rank(query, gallery, topk=7)
    assert index.shape == dist.shape == (31, 7)
    order, full = cosine_ranking(query, gallery)
    np.testing.assert_allclose(dist, np.take_along_axis(full, index, 1),
                               atol=1e-5)
    assert (np.diff(dist, axis=1) >= 0).all()
    np.testing.assert_array_equal(index, order[:, :7])
    index_all, _ = inferencer.rank(query, gallery, topk=1000)
    assert index_all.shape == (31, 78)


# Ranked-list picture --------------------------------------------------------


def test_ranked_list_size_frames_and_sar_stretch(hoss_root):
    test = hoss_root / 'bounding_box_test'
    query = Chip(str(hoss_root / 'query' / '0002_s05c1_RGB.tif'), OPTICAL, 2)
    gallery = [
        Chip(str(test / '0002_s05c2_SAR.tif'), SAR, 2),
        Chip(str(test / '-1_0081_SAR.tif'), SAR, -1),
        Chip(str(test / '0003_s05c2_SAR.tif'), SAR, None),
    ]
    picture = draw_ranked_list(query, gallery, [0.1, 0.2, 0.3])
    paths = [query.path] + [chip.path for chip in gallery]
    assert picture.dtype == np.uint8
    assert picture.shape == (*expected_picture_size(paths), 3)

    # Frame colour, read at the top-left corner of each framed chip.
    top = MARGIN + LABEL_LINES * LINE_HEIGHT
    lefts, left = [], MARGIN
    for index, path in enumerate(paths):
        rows, cols = chip_size(path)
        width = round(cols * HEIGHT / rows) + 2 * FRAME
        tile = max(width, MIN_TILE_WIDTH)
        lefts.append(left + (tile - width) // 2)
        left += tile + (QUERY_GAP if index == 0 else MARGIN)
    corner = [tuple(picture[top, x]) for x in lefts]
    white = (255, 255, 255)
    assert corner == [white, MATCH_COLOUR, MISMATCH_COLOUR, white]

    # SAR shown with the dB stretch: far brighter than the authors' max
    # conversion (median about 11 / 255).
    rows, cols = chip_size(gallery[0].path)
    x0 = lefts[1] + FRAME
    sar = picture[top + FRAME:top + FRAME + HEIGHT,
                  x0:x0 + round(cols * HEIGHT / rows)]
    assert np.median(sar) > 60

    # Unknown query id: no frame at all.
    unknown = draw_ranked_list(query._replace(identity=None), gallery[:1],
                               [0.1])
    assert tuple(unknown[top, lefts[1]]) == white
    with pytest.raises(ValueError, match='distances'):
        draw_ranked_list(query, gallery, [0.1])


# Tools ---------------------------------------------------------------------


def test_extract_features_tool(tiny, hoss_root, tmp_path, gallery_results):
    options, _, checkpoint = tiny
    out = tmp_path / 'feats.npz'
    python_tool('tools/extract_features.py', DEMO_CONFIG, checkpoint,
                hoss_root / 'bounding_box_test', '--out', out,
                '--cfg-options', *options)
    with np.load(out) as npz:
        saved = dict(npz)
    assert set(saved) == {'features', 'paths', 'ids', 'id_known',
                          'modalities'}
    assert saved['features'].shape == (78, CHANNELS)
    assert saved['features'].dtype == np.float32
    names = sorted(os.listdir(hoss_root / 'bounding_box_test'))
    assert [Path(p).name for p in saved['paths']] == names
    parsed = [parse_hoss_name(name) for name in names]
    assert saved['ids'].tolist() == [p.identity for p in parsed]
    assert (saved['ids'] == -1).sum() == 18  # the distractors
    assert saved['modalities'].tolist() == [p.modality for p in parsed]
    assert saved['id_known'].all()
    np.testing.assert_allclose(saved['features'], gallery_results['features'],
                               atol=1e-5)


def test_extract_features_tool_chip_options(tiny, hoss_root, tmp_path,
                                            gallery_results):
    """SAR chips of another sensor (intensity, no GeoTIFF tags) need
    --sar-scale and --gsd; with them, the HOSS chips' features."""
    options, _, checkpoint = tiny
    names = ['0002_s05c2_SAR.tif', '-1_0081_SAR.tif']
    folder = tmp_path / 'sensor_x'
    folder.mkdir()
    for index, name in enumerate(names):
        amplitude = np.array(Image.open(hoss_root / 'bounding_box_test' /
                                        name)).astype(np.float64)
        tifffile.imwrite(folder / f'det_{index}.tiff', amplitude**2)
    out = tmp_path / 'feats.npz'
    arguments = ['tools/extract_features.py', DEMO_CONFIG, checkpoint, folder,
                 '--out', out, '--modality', 'sar', '--cfg-options', *options]
    refused = python_tool(*arguments, check=False)
    assert refused.returncode != 0
    assert 'det_0.tiff: SAR scale unknown' in refused.stderr
    python_tool(*arguments, '--sar-scale', 'intensity', '--gsd', 'sar=1.0')
    with np.load(out) as npz:
        saved = dict(npz)
    rows = [gallery_results['paths'].index(
        str(hoss_root / 'bounding_box_test' / name)) for name in names]
    np.testing.assert_allclose(saved['features'],
                               gallery_results['features'][rows], atol=1e-5)
    assert saved['modalities'].tolist() == [SAR, SAR]


@pytest.mark.parametrize('arguments, message', [
    (['--gsd', 'optical=-1'], "argument --gsd: --gsd 'optical=-1'"),
    (['--gsd', 'radar=1'], "'radar' is not a modality"),
    (['--sar-scale', 'power'], 'invalid choice'),
    (['--optical-bands', '2,1'], 'expected three 0-based'),
])
def test_chip_options_refused_on_the_command_line(arguments, message,
                                                  capsys):
    tool = load_tool('tools/extract_features.py')
    with pytest.raises(SystemExit):
        tool.parse_args(['CONFIG', 'CKPT', 'DIR', '--out', 'f.npz',
                         *arguments])
    assert message in capsys.readouterr().err


def test_retrieve_tool(tiny, hoss_root, tmp_path, inferencer, query_results,
                       gallery_results):
    """A query folder: a HOSS chip and the same pixels under another name
    (its modality from --query-modality, its GSD from --gsd); both rank the
    same gallery."""
    options, _, checkpoint = tiny
    source = hoss_root / 'query' / '0002_s05c1_RGB.tif'
    queries = tmp_path / 'queries'
    queries.mkdir()
    for name in (source.name, 'my_ship.tif'):
        shutil.copy(source, queries / name)
    done = python_tool('tools/retrieve.py', DEMO_CONFIG, checkpoint,
                       '--query', queries, '--gallery',
                       hoss_root / 'bounding_box_test', '--topk', 5, '--out',
                       tmp_path / 'pictures', '--query-modality', 'optical',
                       '--gsd', 'optical=0.75', '--cfg-options', *options)
    lines = [line.split() for line in done.stdout.splitlines()
             if line.startswith('  ') and line.strip()[0].isdigit()]
    assert [int(line[0]) for line in lines] == [1, 2, 3, 4, 5] * 2
    row = query_results['paths'].index(str(source))
    index, dist = inferencer.rank(query_results['features'][row:row + 1],
                                  gallery_results['features'], topk=5)
    expected_paths = [gallery_results['paths'][i] for i in index[0]]
    for block in (lines[:5], lines[5:]):
        np.testing.assert_allclose([float(line[1]) for line in block],
                                   dist[0], atol=2e-4)
        assert [line[2] for line in block] == expected_paths
    for name in ('0002_s05c1_RGB.png', 'my_ship.png'):
        assert picture_size(tmp_path / 'pictures' / name) == \
            expected_picture_size([str(source)] + expected_paths)


def test_export_onnx_tool(tiny, tmp_path, inferencer, query_results):
    options, cfg, checkpoint = tiny
    height, width = cfg.model.backbone.img_size
    onnx_file = tmp_path / 'model.onnx'
    done = python_tool('tools/deploy/export_onnx.py', DEMO_CONFIG,
                       checkpoint, '--out', onnx_file, '--batch', 4,
                       '--cfg-options', *options)
    differences = [float(line.rsplit(':', 1)[1]) for line in
                   done.stdout.splitlines() if line.startswith('max |ONNX')]
    assert len(differences) == 2 and max(differences) < 1e-4
    session = onnxruntime.InferenceSession(
        str(onnx_file), providers=['CPUExecutionProvider'])
    inputs = {arg.name: arg.shape for arg in session.get_inputs()}
    assert inputs == {'images': ['batch', 3, height, width],
                      'modality': ['batch'], 'ship_size': ['batch', 3]}
    assert [out.name for out in session.get_outputs()] == ['features']

    # The real query chips (mixed modalities) through the ONNX model give
    # the inferencer's features.
    (data, ) = inferencer.preprocess(query_results['paths'], batch_size=31)
    batch = inferencer.model.data_preprocessor(data, False)
    (onnx_features, ) = session.run(['features'], {
        'images': batch['inputs'].numpy(),
        'modality': batch['modality'].numpy(),
        'ship_size': batch['ship_size'].numpy()})
    np.testing.assert_allclose(onnx_features, query_results['features'],
                               atol=1e-4)

    # A failed check exits non-zero.
    export_onnx = load_tool('tools/deploy/export_onnx.py')
    with pytest.raises(SystemExit, match='tolerance'):
        export_onnx.main([
            str(REPO / DEMO_CONFIG), str(checkpoint), '--out',
            str(tmp_path / 'strict.onnx'), '--tolerance', '0',
            '--cfg-options', *options])


# Per-query result files -----------------------------------------------------


def entry(query: Path, ap, first_match_rank, gallery=()):
    """A per-query entry in the format of tools/test.py --out."""
    info = parse_hoss_name(str(query))
    return dict(
        query=str(query), query_id=info.identity,
        query_modality=info.modality, evaluated=ap is not None, ap=ap,
        first_match_rank=first_match_rank, num_matches=1,
        topk=[dict(path=str(path), id=parse_hoss_name(str(path)).identity,
                   modality=parse_hoss_name(str(path)).modality,
                   distance=0.1 * (rank + 1))
              for rank, path in enumerate(gallery)])


def write_results(path: Path, settings: dict) -> Path:
    path.write_text(json.dumps(dict(metric='cosine', settings=settings)))
    return path


@pytest.fixture
def result_file(hoss_root, tmp_path):
    """All: first matches at ranks 1, 3, 2, 7 and one query not evaluated;
    O->S: ranks 2, 5; S->O: nothing evaluated."""
    queries = sorted((hoss_root / 'query').iterdir())
    gallery = sorted((hoss_root / 'bounding_box_test').iterdir())
    all_entries = [
        entry(queries[0], 0.9, 1, gallery[20:23]),
        entry(queries[1], 0.2, 3, gallery[30:34]),
        entry(queries[2], None, None, gallery[40:42]),
        entry(queries[3], 0.5, 2, gallery[50:52]),
        entry(queries[4], 0.2, 7, gallery[60:63]),
    ]
    return write_results(tmp_path / 'result.json', dict(
        all=all_entries,
        o2s=[entry(queries[5], 0.5, 2), entry(queries[6], 0.2, 5)],
        s2o=[entry(queries[7], None, None)]))


def test_cmc_curve_matches_hand_computation(result_file):
    plot_cmc = load_tool('tools/analysis/plot_cmc.py')
    settings = PerQueryResults.load(str(result_file)).settings
    all_cmc = plot_cmc.cmc_curve(settings['all'], 8)
    # ranks 1, 3, 2, 7 over 4 evaluated queries
    np.testing.assert_allclose(all_cmc, [25, 50, 75, 75, 75, 75, 100, 100])
    np.testing.assert_allclose(plot_cmc.cmc_curve(settings['o2s'], 5),
                               [0, 50, 50, 50, 100])
    assert plot_cmc.cmc_curve(settings['s2o'], 5) is None


def test_plot_cmc_tool(result_file, tmp_path):
    second = write_results(
        tmp_path / 'second.json',
        json.loads(result_file.read_text())['settings'] | dict(s2o=[]))
    out = tmp_path / 'plots' / 'cmc.png'
    done = python_tool('tools/analysis/plot_cmc.py', result_file, second,
                       '--out', out, '--max-rank', 10, '--labels', 'one',
                       'two')
    plot_cmc = load_tool('tools/analysis/plot_cmc.py')
    width, height = plot_cmc.FIGSIZE
    assert picture_size(out, 'RGBA') == (height * plot_cmc.DPI,
                                         width * plot_cmc.DPI)
    assert 'one All: R1 25.0, R5 75.0, R10 100.0' in done.stdout
    assert 'two O->S: R1 0.0, R5 100.0, R10 100.0' in done.stdout


def test_visualize_worst_tool(result_file, tmp_path):
    visualize_worst = load_tool('tools/analysis/visualize_worst.py')
    settings = PerQueryResults.load(str(result_file)).settings
    worst = visualize_worst.worst_queries(settings['all'], 3)
    # APs 0.9, 0.2, (none), 0.5, 0.2: the two 0.2 in file order, then 0.5.
    assert [e.query for e in worst] == [
        settings['all'][i].query for i in (1, 4, 3)
    ]
    out = tmp_path / 'worst'
    python_tool('tools/analysis/visualize_worst.py', result_file, '--out',
                out, '--num', 3)
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        f'{place:02d}_{Path(e.query).stem}.png'
        for place, e in enumerate(worst, start=1)
    ]
    for name, e in zip(written, worst):
        paths = [e.query] + [item.path for item in e.topk]
        assert picture_size(out / name) == expected_picture_size(paths)


def test_result_file_errors_name_the_file(tmp_path):
    bad = write_results(tmp_path / 'bad.json', dict(all=[dict(query='x')]))
    with pytest.raises(ValueError, match=r'bad\.json.*all\[0\].*missing'):
        PerQueryResults.load(str(bad))
    not_json = tmp_path / 'not.json'
    not_json.write_text('{')
    with pytest.raises(ValueError, match=r'not\.json.*not JSON'):
        PerQueryResults.load(str(not_json))


def test_sar_scale_statistics_tool(hoss_root, capsys):
    tool = load_tool('tools/analysis/sar_scale_statistics.py')
    assert tool.best_threshold_accuracy(np.array([1, 2]),
                                        np.array([3, 4])) == 1.0
    assert tool.best_threshold_accuracy(np.array([1, 3]),
                                        np.array([2, 4])) == 0.75
    result = tool.main(['--data-root', str(hoss_root)])
    assert result['chips'] == 54
    # std(ln A**2) = 2 std(ln A): the classes are one chip set, doubled.
    amplitude, intensity = result['statistics']['std(ln x)']
    np.testing.assert_allclose(intensity, 2 * amplitude, rtol=1e-9)
    assert result['db_ratio'].min() >= 2.25
    assert '54 SAR chips' in capsys.readouterr().out
