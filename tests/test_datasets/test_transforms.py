"""LoadHOSSImage / SAR conversion / PackReIDInputs on real chips."""
import numpy as np
import pytest
import torch
from mmengine.dataset import Compose
from PIL import Image

from sdfnet_mm.datasets import HOSSDataset, LoadHOSSImage, PackReIDInputs


@pytest.mark.parametrize('method', ['max', 'percentile', 'log'])
def test_real_sar_chips_convert(hoss_root, method):
    test = HOSSDataset(str(hoss_root), split='test')
    load = LoadHOSSImage(sar_to_rgb=method)
    medians = []
    for i in range(len(test)):
        info = test.get_data_info(i)
        if info['modality'] != 1:
            continue
        img = load(dict(info))['img']
        assert img.dtype == np.uint8
        width, height = Image.open(info['img_path']).size
        assert img.shape == (height, width, 3)
        assert (img[..., 0] == img[..., 1]).all()
        assert (img[..., 0] == img[..., 2]).all()
        assert img.max() == 255
        medians.append(np.median(img))
    assert len(medians) == 10 + 13 + 16
    if method == 'log':  # the dB stretch tames the heavy tail
        assert np.median(medians) > 60
    else:  # linear stretches to the maximum leave the chips very dark
        assert 2 < np.median(medians) < 30


def test_real_optical_chip_loads_as_rgb(hoss_root):
    path = hoss_root / 'query' / '0002_s05c1_RGB.tif'
    img = LoadHOSSImage()(dict(img_path=str(path), modality=0))['img']
    assert img.shape == (322, 58, 3) and img.dtype == np.uint8
    assert np.array_equal(img, np.array(Image.open(path).convert('RGB')))


def test_loader_reads_grey_and_refuses_wrong_content(tmp_path):
    """A grey optical chip is panchromatic (replicated); a 3-band SAR chip
    and a corrupt file are refused, naming the file."""
    grey = tmp_path / '0001_s01c1_RGB.tif'
    pixels = np.arange(32, dtype=np.uint8).reshape(8, 4)
    Image.fromarray(pixels).save(grey)
    img = LoadHOSSImage()(dict(img_path=str(grey), modality=0))['img']
    assert img.shape == (8, 4, 3)
    assert (img == pixels[..., None]).all()
    rgb = tmp_path / '0001_s01c3_SAR.tif'
    Image.fromarray(np.zeros((8, 4, 3), np.uint8)).save(rgb)
    with pytest.raises(ValueError, match='0001_s01c3_SAR.tif: SAR chip with '
                       '3 bands; expected one band'):
        LoadHOSSImage()(dict(img_path=str(rgb), modality=1))
    corrupt = tmp_path / '0001_s01c2_SAR.tif'
    corrupt.write_bytes(b'II*\x00garbage')
    with pytest.raises(ValueError, match='0001_s01c2_SAR.tif: cannot read'):
        LoadHOSSImage()(dict(img_path=str(corrupt), modality=1))
    with pytest.raises(ValueError, match='unknown sar_to_rgb'):
        LoadHOSSImage(sar_to_rgb='gamma')


def test_training_pipeline_packs_modality_and_ship_size(hoss_root):
    train = HOSSDataset(
        str(hoss_root),
        split='train',
        pipeline=[
            dict(type='LoadHOSSImage'),
            dict(type='Resize', scale=(128, 256), interpolation='bicubic',
                 backend='pillow'),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
            dict(type='RandomCrop', crop_size=(256, 128), padding=10),
            dict(type='ColorJitter', brightness=0.2, contrast=0.2,
                 saturation=0.2),
            dict(type='RandomErasing', erase_prob=0.2, mode='rand'),
            dict(type='PackReIDInputs'),
        ])
    for i in (0, len(train) - 1):
        info = train.get_data_info(i)
        packed = train[i]
        sample = packed['data_samples']
        assert packed['inputs'].shape == (3, 256, 128)
        assert packed['inputs'].dtype == torch.uint8
        assert sample.modality.dtype == torch.long
        assert int(sample.modality) == info['modality']
        assert sample.ship_size.dtype == torch.float32
        assert torch.equal(sample.ship_size,
                           torch.tensor(info['ship_size'], dtype=torch.float32))
        assert int(sample.gt_label) == info['gt_label']


def test_pack_requires_modality():
    pack = Compose([PackReIDInputs()])
    with pytest.raises(KeyError, match='modality'):
        pack(dict(img=np.zeros((4, 4, 3), np.uint8), ship_size=(0, 0, 1)))
