"""The "look inside" tools on the HOSS samples with a small random SDF-Net
(the ``tiny`` fixture): get_flops, browse_dataset, analyze_logs,
vis_features and vis_attention."""
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sdfnet_mm.chips import parse_hoss_name, read_chip_rgb
from sdfnet_mm.structures import MODALITY_NAMES, OPTICAL, SAR
from sdfnet_mm.visualization import scale_to_height

from tool_runner import DEMO_CONFIG, load_tool

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


def test_browse_dataset_rejects_an_unknown_conversion(capsys):
    browse_dataset = load_tool('tools/visualization/browse_dataset.py')
    with pytest.raises(SystemExit):
        browse_dataset.parse_args([DEMO_CONFIG, '--sar-to-rgb', 'max,db'])
    assert "'max,db': expected a comma-separated list" in \
        capsys.readouterr().err
