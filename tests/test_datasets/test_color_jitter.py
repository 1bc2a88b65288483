"""The HOSS pipeline's colour jitter: torchvision's ColorJitter(0.2, 0.2,
0.2, 0) on the RGB chip, as the authors ran it."""
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from PIL import Image
from torchvision import transforms

from sdfnet_mm.datasets import LoadHOSSImage

REPO = Path(__file__).resolve().parents[2]
JITTER = transforms.ColorJitter(brightness=0.2, contrast=0.2,
                                saturation=0.2, hue=0)


@pytest.fixture(scope='module')
def jitter_steps():
    """The jitter steps of the paper config's training pipeline (from the
    PIL conversion to the numpy conversion)."""
    cfg = Config.fromfile(REPO / 'configs/sdfnet_vitb16_hoss.py')
    pipeline = cfg.train_dataloader.dataset.pipeline
    names = [getattr(t['type'], '__name__', t['type']) for t in pipeline]
    first, last = names.index('NumpyToPIL'), names.index('PILToNumpy')
    assert names[first + 1] == 'mmpretrain.torchvision/ColorJitter'
    return Compose(pipeline[first:last + 1])


def luma(rgb: np.ndarray) -> np.ndarray:
    """ITU-R 601 grey of RGB (PIL's 'L' conversion), rounded."""
    return np.floor(rgb @ np.array([0.299, 0.587, 0.114]) + 0.5)


def jitter_solid_colour(rgb, order, brightness, contrast, saturation,
                        channels=(0, 1, 2)):
    """Torchvision's three adjustments of a one-colour PIL image, by hand:
    each is PIL's blend ``degenerate + factor (x - degenerate)`` truncated
    to uint8, the degenerate image black (brightness), the grey mean
    (contrast) or the grey image (saturation); for one colour both greys
    are its luma. ``channels`` reads the pixel in another order (e.g. BGR)
    for the grey weights."""
    x = np.array(rgb, dtype=np.float64)
    for step in order:
        if step == 0:
            x = x * brightness
        else:
            grey = luma(x[list(channels)])
            x = grey + (contrast if step == 1 else saturation) * (x - grey)
        x = np.clip(np.trunc(x), 0, 255)
    return x


@pytest.mark.parametrize('seed', range(5))
def test_jitter_is_torchvisions_on_rgb(hoss_root, jitter_steps, seed):
    chip = LoadHOSSImage()(dict(
        img_path=str(hoss_root / 'query' / '0002_s05c1_RGB.tif'),
        modality=0))['img']
    torch.manual_seed(seed)
    ours = jitter_steps(dict(img=chip.copy()))['img']
    torch.manual_seed(seed)
    theirs = np.asarray(JITTER(Image.fromarray(chip)))
    assert ours.dtype == np.uint8 and ours.shape == chip.shape
    assert np.array_equal(ours, theirs)
    assert not np.array_equal(ours, chip)


@pytest.mark.parametrize('seed', range(5))
def test_jitter_of_one_colour_by_hand(jitter_steps, seed):
    """A reddish chip jittered with the parameters torchvision draws: the
    hand computation with RGB grey weights matches, the same with the
    weights read as BGR (MMCV's assumption) does not."""
    rgb = (200, 50, 10)
    chip = np.empty((16, 8, 3), np.uint8)
    chip[...] = rgb
    torch.manual_seed(seed)
    order, b, c, s, _ = transforms.ColorJitter.get_params(
        JITTER.brightness, JITTER.contrast, JITTER.saturation, JITTER.hue)
    torch.manual_seed(seed)
    out = jitter_steps(dict(img=chip))['img']
    assert (out == out[0, 0]).all()
    order = [int(i) for i in order if i < 3]
    expected = jitter_solid_colour(rgb, order, b, c, s)
    assert np.array_equal(out[0, 0], expected)
    as_bgr = jitter_solid_colour(rgb, order, b, c, s, channels=(2, 1, 0))
    assert not np.array_equal(out[0, 0], as_bgr)
