"""The "look inside" tools on the HOSS samples with a small random SDF-Net
(the ``tiny`` fixture): get_flops, browse_dataset, analyze_logs,
vis_features and vis_attention."""
import argparse
import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config, DictAction
from mmpretrain.apis import get_model
from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import \
    EventAccumulator
from threadpoolctl import threadpool_limits

from sdfnet_mm.apis import ReIDInferencer, inference_config
from sdfnet_mm.chips import parse_hoss_name, read_chip_rgb
from sdfnet_mm.models.utils import gradient_energy_map
from sdfnet_mm.structures import MODALITY_NAMES, OPTICAL, SAR
from sdfnet_mm.visualization import heatmap_overlay, scale_to_height

from tool_loading import load_tool
from tool_runner import (DEMO_CONFIG, REPO, python_tool, scalars,
                         tiny_options)

CHANNELS, FFN, LAYERS = 32, 64, 2  # tiny_options' ViT


def vit_flops(height: int, width: int) -> int:
    """Hand count of one chip's test feature for the tiny SDF-Net: patch
    convolution, ship-size token, per block qkv, QK^T and AV, projection
    and MLP, then the two DFL heads (2 FLOPs per multiply-add)."""
    patches = (height // 16) * (width // 16)
    tokens = 1 + patches + 1  # CLS, patches, ship-size token
    c = CHANNELS
    block = (2 * tokens * c * 3 * c + 4 * tokens**2 * c +
             2 * tokens * c * c + 2 * 2 * tokens * c * FFN)
    return (2 * patches * 3 * 16 * 16 * c + 2 * 3 * c + LAYERS * block +
            2 * 2 * c * c)


@pytest.mark.parametrize('shape, expected_shape', [
    ([], (256, 64)),  # the demo config's img_size
    (['--shape', '128', '64'], (128, 64)),
    (['--shape', '96'], (96, 96)),
])
def test_get_flops_counts_by_hand(tiny, shape, expected_shape, capsys):
    options, cfg, _ = tiny
    get_flops = load_tool('tools/analysis/get_flops.py')
    result = get_flops.main([DEMO_CONFIG, *shape, '--cfg-options', *options])
    assert result['shape'] == expected_shape
    flops = result['flops']
    assert flops['total'] == vit_flops(*expected_shape)
    # The neck's two linear heads; the head (BN, pre-BN feature) none.
    assert flops['neck'] == 2 * 2 * CHANNELS * CHANNELS
    assert flops['head'] == 0
    assert flops['backbone'] + flops['neck'] == flops['total']
    params = result['params']
    assert params['total'] == params['backbone'] + params['neck'] + \
        params['head']
    # Neck: two C x C linear layers with bias; head: BN (2C) + classifier
    # (21 ids, no bias).
    assert params['neck'] == 2 * (CHANNELS * CHANNELS + CHANNELS)
    assert params['head'] == 2 * CHANNELS + 21 * CHANNELS
    printed = capsys.readouterr().out
    assert f"{params['total']:,}" in printed
    assert f"{flops['total'] / 1e9:.3f}" in printed


def test_get_flops_rejects_a_bad_shape(capsys):
    get_flops = load_tool('tools/analysis/get_flops.py')
    with pytest.raises(SystemExit):
        get_flops.parse_args([DEMO_CONFIG, '--shape', '1', '2', '3'])
    assert '--shape [1, 2, 3]: expected H W' in capsys.readouterr().err


# browse_dataset ---------------------------------------------------------


def png_pixels(path) -> np.ndarray:
    """(H, W, 3) uint8 of a PNG file, checking it is RGB."""
    with Image.open(path) as img:
        assert img.format == 'PNG' and img.mode == 'RGB'
        return np.asarray(img)


def tile_at(picture: np.ndarray, box) -> np.ndarray:
    top, left, height, width = box
    return picture[top:top + height, left:left + width]


def browse(options, tmp_path, *args):
    browse_dataset = load_tool('tools/visualization/browse_dataset.py')
    out = tmp_path / 'browse.png'
    result = browse_dataset.main([DEMO_CONFIG, '--out', str(out), *args,
                                  '--cfg-options', *options])
    return result, png_pixels(out)


def test_browse_dataset_test_split_tiles_are_the_pipeline(tiny, tmp_path):
    options, _, _ = tiny
    result, picture = browse(options, tmp_path, '--split', 'test', '--num',
                             '4')
    grid = result['grid']
    np.testing.assert_array_equal(picture, grid.picture)
    assert [t.split('\n')[0] for t in result['titles']] == [
        'SAR max', 'SAR percentile', 'SAR log', 'LoadHOSSImage', 'Resize']
    assert result['titles'][0] == 'SAR max\nchip size'
    assert result['titles'][-1] == 'Resize\n64x256 px'
    assert len(grid.boxes) == 4 and all(len(row) == 5 for row in grid.boxes)
    # An optical and a SAR chip of each ship, one above the other.
    parsed = [parse_hoss_name(path) for path in result['paths']]
    assert [p.modality for p in parsed] == [OPTICAL, SAR, OPTICAL, SAR]
    assert parsed[0].identity == parsed[1].identity != parsed[2].identity
    for path, boxes, label, packed in zip(result['paths'], grid.boxes,
                                          result['labels'], result['packed']):
        modality = parse_hoss_name(path).modality
        assert label.startswith(Path(path).stem)
        assert MODALITY_NAMES[modality] in label
        # The last tile is the model input: the demo's test pipeline
        # (dB stretch, bilinear pillow resize to 64 x 256), redone here.
        loaded = read_chip_rgb(path, modality, 'log')
        expected = np.asarray(Image.fromarray(loaded).resize(
            (64, 256), Image.BILINEAR))
        np.testing.assert_array_equal(tile_at(picture, boxes[-1]), expected)
        np.testing.assert_array_equal(packed.permute(1, 2, 0).numpy(),
                                      expected)
        for method, box in zip(('max', 'percentile', 'log'), boxes[:3]):
            if modality == OPTICAL:
                assert box is None
            else:
                np.testing.assert_array_equal(
                    tile_at(picture, box),
                    scale_to_height(read_chip_rgb(path, SAR, method), 256))
    # Empty cells (conversions of optical chips) stay white.
    top, left = grid.boxes[0][-1][0], grid.boxes[1][0][1]
    assert (picture[top:top + 256, left:left + 50] == 255).all()


def test_browse_dataset_train_split_augmentations(tiny, tmp_path):
    options, _, _ = tiny
    result, picture = browse(options, tmp_path, '--num', '3', '--sar-to-rgb',
                             'log', '--seed', '3')
    names = [t.split('\n')[0] for t in result['titles']]
    assert names == ['SAR log', 'LoadHOSSImage', 'Resize', 'RandomFlip',
                     'RandomCrop', 'RandomErasing']
    for boxes, packed in zip(result['grid'].boxes, result['packed']):
        resized, flip, erased = (tile_at(picture, boxes[i]) for i in (2, 3, 5))
        assert np.array_equal(flip, resized[:, ::-1]) or \
            np.array_equal(flip, resized)
        np.testing.assert_array_equal(erased, packed.permute(1, 2, 0).numpy())
    again, picture_again = browse(options, tmp_path, '--num', '3',
                                  '--sar-to-rgb', 'log', '--seed', '3')
    np.testing.assert_array_equal(picture, picture_again)
    half, _ = browse(options, tmp_path, '--num', '3', '--sar-to-rgb', 'log',
                     '--rescale-factor', '0.5')
    assert {box[2] for row in half['grid'].boxes for box in row if box} == \
        {128}
    assert half['titles'] == result['titles']


def test_browse_dataset_paper_pipeline_shows_the_torchvision_jitter(
        hoss_root, tmp_path):
    """The paper config's train pipeline converts to PIL for torchvision's
    ColorJitter and back: one column for the jitter (named after it, as an
    RGB array), none for the two conversions."""
    browse_dataset = load_tool('tools/visualization/browse_dataset.py')
    out = tmp_path / 'browse.png'
    result = browse_dataset.main([
        str(REPO / 'configs/sdfnet_vitb16_hoss.py'), '--out', str(out),
        '--num', '2',
        '--sar-to-rgb', 'max', '--cfg-options',
        f'train_dataloader.dataset.data_root={hoss_root}'
    ])
    names = [t.split('\n')[0] for t in result['titles']]
    assert names == ['SAR max', 'LoadHOSSImage', 'Resize', 'RandomFlip',
                     'ColorJitter', 'RandomCrop']
    jittered = [row[4] for row in result['tiles']]
    assert all(tile.dtype == np.uint8 and tile.shape == (256, 128, 3)
               for tile in jittered)
    png_pixels(out)


def test_browse_dataset_rejects_an_unknown_conversion(capsys):
    browse_dataset = load_tool('tools/visualization/browse_dataset.py')
    with pytest.raises(SystemExit):
        browse_dataset.parse_args([DEMO_CONFIG, '--sar-to-rgb', 'max,db'])
    assert "'max,db': expected a comma-separated list" in \
        capsys.readouterr().err


# analyze_logs -------------------------------------------------------------


@pytest.fixture(scope='module')
def tensorboard_run(hoss_root, tmp_path_factory):
    """One tiny epoch through tools/train.py with the README's TensorBoard
    line applied to the demo config (then dumped, as the Runner dumps it)."""
    folder = tmp_path_factory.mktemp('tensorboard')
    cfg = Config.fromfile(str(REPO / DEMO_CONFIG))
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    cfg.merge_from_dict(parser.parse_args(
        ['--cfg-options', *tiny_options(hoss_root, epochs=1)]).cfg_options)
    cfg.visualizer.vis_backends.append(dict(type='TensorboardVisBackend'))
    cfg.dump(str(folder / 'config.py'))
    work_dir = folder / 'work_dir'
    python_tool('tools/train.py', folder / 'config.py', '--work-dir',
                work_dir)
    return work_dir


def test_tensorboard_backend_logs_the_scalars(tensorboard_run):
    events = list(tensorboard_run.glob('*/vis_data/events.out.tfevents.*'))
    assert len(events) == 1
    accumulator = EventAccumulator(str(events[0].parent))
    accumulator.Reload()
    logged = {(e.step, e.value) for e in accumulator.Scalars('loss')}
    expected = {(row['step'], row['loss'])
                for row in scalars(tensorboard_run) if 'loss' in row}
    assert len(expected) > 1
    assert {s for s, _ in logged} == {s for s, _ in expected}
    assert np.allclose(sorted(logged), sorted(expected), rtol=1e-6)


def test_plot_curve_overlays_runs_per_key(trained_run, tensorboard_run,
                                          tmp_path):
    analyze_logs = load_tool('tools/analysis/analyze_logs.py')
    runs = [trained_run[0], tensorboard_run]
    out = tmp_path / 'curves.png'
    result = analyze_logs.main(['plot_curve', *map(str, runs), '--keys',
                                'loss', 'loss_struct', 'all_mAP', '--out',
                                str(out)])
    with Image.open(out) as img:
        assert img.format == 'PNG'
        assert img.size == (3 * 5 * 100, 350)  # 3 panels of 5 x 3.5 in
    assert result['titles'] == ['loss', 'loss_struct', 'reid/all_mAP']
    assert result['xlabels'] == ['iteration', 'iteration', 'epoch']
    # The parts of the two paths that differ.
    common = Path(os.path.commonpath(runs))
    labels = [str(run.relative_to(common)) for run in runs]
    assert result['legends'] == [labels] * 3
    for run, label, epochs in zip(runs, labels, (2, 1)):
        rows = scalars(run)
        train = [r for r in rows if 'lr' in r]
        val = [r for r in rows if 'reid/all_mAP' in r]
        steps, values = result['curves'][(label, 'loss_struct')]
        np.testing.assert_array_equal(steps, [r['step'] for r in train])
        np.testing.assert_allclose(values, [r['loss_struct'] for r in train])
        steps, values = result['curves'][(label, 'all_mAP')]
        np.testing.assert_array_equal(steps, np.arange(1, epochs + 1))
        np.testing.assert_allclose(values, [r['reid/all_mAP'] for r in val])


def write_scalars(path: Path, rows: list) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(''.join(json.dumps(row) + '\n' for row in rows))


def train_row(epoch, step, time, loss=1.0):
    return dict(lr=0.1, time=time, loss=loss, epoch=epoch, iter=step,
                step=step)


def test_cal_train_time_by_hand(tmp_path, capsys):
    analyze_logs = load_tool('tools/analysis/analyze_logs.py')
    times = {1: [9.0, 1.0, 2.0], 2: [5.0, 0.5, 0.5], 3: [1.0, 3.0]}
    rows = [train_row(epoch, 10 * i + 30 * epoch, t)
            for epoch, ts in times.items() for i, t in enumerate(ts)]
    write_scalars(tmp_path / 'run' / '20260101_000000' / 'vis_data' /
                  'scalars.json', rows + [{'reid/all_mAP': 5.0, 'step': 1}])
    run = str(tmp_path / 'run')
    result = analyze_logs.main(['cal_train_time', run])[run]
    # Without each epoch's first row: epochs 1.5, 0.5, 3.0.
    assert result['epochs'] == {1: 1.5, 2: 0.5, 3: 3.0}
    assert (result['slowest'], result['fastest']) == (3, 2)
    assert result['average'] == pytest.approx(22.0 / 8)
    printed = capsys.readouterr().out
    assert 'slowest epoch 3, average time is 3.0000' in printed
    assert 'fastest epoch 2, average time is 0.5000' in printed
    assert 'average iter time: 2.7500 s/iter' in printed
    outliers = analyze_logs.main(['cal_train_time', run,
                                  '--include-outliers'])[run]
    assert outliers['epochs'] == {1: 4.0, 2: 2.0, 3: 2.0}
    assert outliers['slowest'] == 1


def test_resumed_run_rows_replace_the_interrupted_ones(tmp_path):
    analyze_logs = load_tool('tools/analysis/analyze_logs.py')
    run = tmp_path / 'run'
    write_scalars(run / '20260101_000000' / 'vis_data' / 'scalars.json',
                  [train_row(1, s, 1.0, loss=s) for s in (10, 20, 30)])
    write_scalars(run / '20260101_010000' / 'vis_data' / 'scalars.json',
                  [train_row(1, s, 1.0, loss=-s) for s in (20, 30, 40)])
    (run / '20260101_020000' / 'vis_data').mkdir(parents=True)  # a test run
    log = analyze_logs.load_run(str(run))
    assert [(r['step'], r['loss']) for r in log['train']] == [
        (10, 10), (20, -20), (30, -30), (40, -40)]


def test_analyze_logs_errors_name_the_run_and_the_keys(tmp_path):
    analyze_logs = load_tool('tools/analysis/analyze_logs.py')
    run = tmp_path / 'run'
    write_scalars(run / '20260101_000000' / 'vis_data' / 'scalars.json',
                  [dict(train_row(1, 10, 1.0), **{'a/x': 1, 'b/x': 2})])
    with pytest.raises(KeyError, match=r"run: no logged key 'lss'; "
                       r"logged keys: \['a/x', 'b/x', 'loss', 'lr', 'time'\]"):
        analyze_logs.main(['plot_curve', str(run), '--keys', 'lss',
                           '--out', str(tmp_path / 'c.png')])
    with pytest.raises(KeyError, match=r"'x' is ambiguous: \['a/x', 'b/x'\]"):
        analyze_logs.main(['plot_curve', str(run), '--keys', 'x',
                           '--out', str(tmp_path / 'c.png')])
    with pytest.raises(FileNotFoundError, match='empty: no <timestamp>'):
        (tmp_path / 'empty').mkdir()
        analyze_logs.main(['cal_train_time', str(tmp_path / 'empty')])


# vis_features -------------------------------------------------------------


@pytest.fixture
def one_thread():
    """scikit-learn's OpenMP and BLAS on one thread, as the subprocess tools
    run (tool_env): on a busy machine its thread pools slow t-SNE down
    tenfold."""
    with threadpool_limits(limits=1):
        yield


def test_modality_separation_score_by_construction(one_thread):
    vis_features = load_tool('tools/visualization/vis_features.py')
    rng = np.random.default_rng(0)
    modalities = np.repeat([OPTICAL, SAR], 100)
    noise = rng.normal(size=(200, 16))
    separable = noise.copy()
    separable[:, 3] += 10 * modalities  # one channel tells the modality
    mean, std = vis_features.modality_separation(separable, modalities)
    assert (mean, std) == (1.0, 0.0)
    mean, _ = vis_features.modality_separation(noise, modalities)
    assert 0.3 < mean < 0.7  # chance is 0.5
    with pytest.raises(ValueError, match='4 SAR chips; the probe needs'):
        vis_features.modality_separation(noise[:104], modalities[:104])


def test_vis_features_tool(tiny, hoss_root, tmp_path, capsys, one_thread):
    options, cfg, checkpoint = tiny
    vis_features = load_tool('tools/visualization/vis_features.py')
    out = tmp_path / 'tsne.png'
    result = vis_features.main([DEMO_CONFIG, str(checkpoint), '--out',
                                str(out), '--cfg-options', *options])
    with Image.open(out) as img:
        assert img.format == 'PNG' and img.size == (3 * 500, 500)
    features = result['features']
    # The test split: every query and gallery chip, in the dataset's order.
    names = sorted(os.listdir(hoss_root / 'query')) + \
        sorted(os.listdir(hoss_root / 'bounding_box_test'))
    assert sorted(Path(p).name for p in features['paths']) == sorted(names)
    parsed = [parse_hoss_name(p) for p in features['paths']]
    np.testing.assert_array_equal(features['modalities'],
                                  [p.modality for p in parsed])
    np.testing.assert_array_equal(features['ids'], [p.identity for p in parsed])
    # Sum fusion; the pre-BN test feature is the fused one: the inferencer's
    # own predict path gives the same numbers.
    np.testing.assert_allclose(features['shared'] + features['specific'],
                               features['fused'], atol=1e-5)
    predicted = ReIDInferencer(cfg, str(checkpoint))(features['paths'],
                                                     batch_size=16)
    np.testing.assert_allclose(features['fused'], predicted['features'],
                               atol=1e-5)
    assert list(result['scores']) == ['fused', 'shared', 'specific']
    printed = capsys.readouterr().out
    for name, title in zip(result['scores'], result['titles']):
        mean, std = result['scores'][name]
        assert vis_features.modality_separation(
            vis_features.l2_normalise(features[name]),
            features['modalities']) == (mean, std)
        assert title == (f'{name} feature\nmodality probe accuracy '
                         f'{100 * mean:.1f} ± {100 * std:.1f} %')
        assert f'{name:<9}{100 * mean:6.1f} ± {100 * std:.1f} %' in printed
        assert result['embeddings'][name].shape == (result['shown'].sum(), 2)
    counts = np.bincount(features['modalities'])
    assert result['chance'] == counts.max() / counts.sum()
    assert result['legend'] == ['optical', 'SAR']
    # The t-SNE shows the chips of the 20 smallest ship ids.
    ids = features['ids']
    ships = sorted(set(ids[ids >= 0].tolist()))
    assert len(ships) > 20
    np.testing.assert_array_equal(result['shown'], np.isin(ids, ships[:20]))


def test_vis_features_baseline_has_only_the_fused_feature(hoss_root,
                                                          tmp_path,
                                                          one_thread):
    options = [o for o in tiny_options(hoss_root)
               if not o.startswith('model.backbone.structure_layer')]
    config = 'configs/demo/baseline_vit-tiny_synthetic.py'
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    cfg = inference_config(str(REPO / config), parser.parse_args(
        ['--cfg-options', *options]).cfg_options)
    torch.manual_seed(0)
    checkpoint = tmp_path / 'baseline.pth'
    torch.save({'state_dict': get_model(cfg).state_dict()}, checkpoint)
    vis_features = load_tool('tools/visualization/vis_features.py')
    out = tmp_path / 'tsne.png'
    result = vis_features.main([config, str(checkpoint), '--out', str(out),
                                '--max-num-ids', '0', '--cfg-options',
                                *options])
    assert list(result['scores']) == ['fused']
    assert result['features']['shared'] is None
    assert result['shown'].all()  # --max-num-ids 0
    with Image.open(out) as img:
        assert img.size == (500, 500)


# vis_attention ------------------------------------------------------------


def manual_backbone(backbone, batch):
    """Tokens entering each block and leaving the last, by running the
    blocks one by one (no hooks), and the patch grid."""
    tokens, grid = backbone.embed(batch['inputs'], batch['modality'],
                                  batch['ship_size'])
    inputs = []
    for block in backbone.layers:
        inputs.append(tokens)
        tokens = block(tokens)
    return inputs, tokens, grid


def test_vis_attention_maps_against_a_manual_forward(tiny, hoss_root):
    _, cfg, checkpoint = tiny
    vis_attention = load_tool('tools/visualization/vis_attention.py')
    inferencer = ReIDInferencer(cfg, str(checkpoint))
    model, backbone = inferencer.model, inferencer.model.backbone
    paths = [str(hoss_root / 'query' / '0002_s05c1_RGB.tif'),
             str(hoss_root / 'bounding_box_test' / '0002_s05c2_SAR.tif'),
             str(hoss_root / 'bounding_box_test' / '0002_s05c3_RGB.tif')]
    batch = next(inferencer.model_batches(paths, batch_size=3))
    maps = vis_attention.look(model, batch)
    with torch.no_grad():
        inputs, _, grid = manual_backbone(backbone, batch)
    assert maps['grid'] == grid == (16, 4)
    # The recomputed weights are the blocks' attention: A V through the
    # output projection gives what the fused attention returned.
    for block, tokens, weights in zip(backbone.layers, inputs,
                                      maps['attentions']):
        attn = block.attn
        normed = block.ln1(tokens)
        with torch.no_grad():
            _, _, v = attn.qkv(normed).reshape(
                3, -1, 3, attn.num_heads, attn.head_dims).permute(
                    2, 0, 3, 1, 4)
            mixed = (weights @ v).transpose(1, 2).reshape(3, -1, CHANNELS)
            torch.testing.assert_close(attn.proj(mixed), attn(normed),
                                       atol=1e-5, rtol=1e-5)
        assert torch.allclose(weights.sum(-1), torch.ones(1))
    # Rollout by hand: blocks multiplied in numpy, CLS row, patch tokens.
    rollout = np.eye(weights.shape[-1])
    for weights in maps['attentions']:
        mixed = weights.mean(1).double().numpy() + np.eye(weights.shape[-1])
        rollout = (mixed / mixed.sum(-1, keepdims=True)) @ rollout
    expected = rollout[:, 0, 1:1 + 64].reshape(3, 16, 4)
    np.testing.assert_allclose(maps['rollout'].numpy(), expected, atol=1e-6)
    # SCL map at block 1 (tiny_options' structure_layer).
    with torch.no_grad():
        tap = backbone.layers[0](inputs[0])
        energy = gradient_energy_map(tap[:, 1:65].reshape(3, 16, 4, -1))
    torch.testing.assert_close(maps['energy'], energy)
    # Grad-CAM: the last block's attention input made a leaf, the rest of
    # the network run by hand, each chip scored against the other two.
    last = backbone.layers[-1]
    activation = last.ln1(inputs[-1]).detach().requires_grad_()
    out = inputs[-1] + last.attn(activation)
    out = last.ffn(last.ln2(out), identity=out)
    fused = model.neck(backbone.ln1(out)).fused
    unit = torch.nn.functional.normalize(fused, dim=1)
    fixed = unit.detach()
    score = sum(unit[i] @ torch.nn.functional.normalize(
        (fixed.sum(0) - fixed[i]) / 2, dim=0) for i in range(3))
    gradient, = torch.autograd.grad(score, activation)
    patches = activation.detach()[:, 1:65].reshape(3, 16, 4, -1)
    weights = gradient[:, 1:65].reshape(3, 16, 4, -1).mean((1, 2))
    cam = torch.relu(torch.einsum('bhwc,bc->bhw', patches, weights))
    torch.testing.assert_close(maps['gradcam'], cam, atol=1e-6, rtol=1e-5)
    assert cam.max() > 0


def test_vis_attention_tool_one_picture_per_ship(tiny, hoss_root, tmp_path,
                                                 capsys):
    options, _, checkpoint = tiny
    vis_attention = load_tool('tools/visualization/vis_attention.py')
    test = hoss_root / 'bounding_box_test'
    images = [test / '0002_s05c2_SAR.tif', hoss_root / 'query' /
              '0002_s05c1_RGB.tif', test / '0003_s05c2_SAR.tif']
    out = tmp_path / 'maps'
    results = vis_attention.main([
        DEMO_CONFIG, str(checkpoint), *map(str, images), '--out', str(out),
        '--method', 'rollout', 'gradcam', '--cfg-options', *options])
    assert sorted(os.listdir(out)) == ['0002.png', '0003.png']
    ship = results[str(out / '0002.png')]
    assert [t.split('\n')[0] for t in ship['titles']] == [
        'model input', 'attention rollout', 'Grad-CAM',
        'SCL gradient energy']
    assert ship['titles'][-1] == 'SCL gradient energy\n(block 1)'
    picture = png_pixels(out / '0002.png')
    grid = ship['grid_picture']
    np.testing.assert_array_equal(picture, grid.picture)
    assert len(grid.boxes) == 2 and all(len(r) == 4 for r in grid.boxes)
    # Optical first; the first tile is the model input, the others the
    # maps blended over it.
    for row, path, image, index in zip(grid.boxes, [images[1], images[0]],
                                       ship['images'], range(2)):
        modality = parse_hoss_name(path).modality
        loaded = read_chip_rgb(str(path), modality, 'log')
        expected = np.asarray(Image.fromarray(loaded).resize(
            (64, 256), Image.BILINEAR))
        np.testing.assert_array_equal(image, expected)
        np.testing.assert_array_equal(tile_at(picture, row[0]), expected)
        for box, key in zip(row[1:], ('rollout', 'gradcam', 'energy')):
            np.testing.assert_array_equal(
                tile_at(picture, box),
                heatmap_overlay(expected, ship[key][index].numpy()))
    alone = results[str(out / '0003.png')]
    assert len(alone['grid_picture'].boxes) == 1
    assert 'out' not in capsys.readouterr().err
