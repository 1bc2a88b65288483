"""Random erasing as timm's pixel mode, applied by the data preprocessor
after normalisation: boxes, probability and N(0, 1) fill."""
import math
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmpretrain.structures import DataSample

from sdfnet_mm.models import PixelRandomErasing
from sdfnet_mm.registry import MODELS

REPO = Path(__file__).resolve().parents[2]
MEAN = torch.tensor([123.675, 116.28, 103.53]).view(3, 1, 1)
STD = torch.tensor([58.395, 57.12, 57.375]).view(3, 1, 1)


def zero_chips(n: int) -> dict:
    """n black 256x128 RGB chips as the dataloader packs them."""
    samples = []
    for _ in range(n):
        sample = DataSample().set_gt_label(0)
        sample.set_field(torch.tensor(0), 'modality')
        sample.set_field(torch.ones(3), 'ship_size')
        samples.append(sample)
    return dict(inputs=[torch.zeros(3, 256, 128, dtype=torch.uint8)] * n,
                data_samples=samples)


def erased_box(image: torch.Tensor, clean: torch.Tensor):
    """(top, left, h, w) of the changed pixels, checked to be one box
    changed in every channel; None when nothing changed."""
    changed = (image != clean).any(0)
    if not changed.any():
        return None
    rows = changed.any(1).nonzero().flatten()
    cols = changed.any(0).nonzero().flatten()
    top, left = int(rows[0]), int(cols[0])
    h, w = int(rows[-1]) - top + 1, int(cols[-1]) - left + 1
    assert changed[top:top + h, left:left + w].all()
    assert (image != clean)[:, top:top + h, left:left + w].all()
    return top, left, h, w


def test_paper_preprocessor_erases_after_normalisation():
    """The paper config's preprocessor on 320 black chips in batches of 32:
    about 20% of the chips get one box of 2%-33% of the area, aspect
    0.3-3.3, filled with standard normal noise in normalised space (not the
    uniform 0-255 fill before normalisation, whose variance there is
    1.6); training only."""
    cfg = Config.fromfile(REPO / 'configs/sdfnet_vitb16_hoss.py')
    preprocessor = MODELS.build(cfg.model.data_preprocessor)
    clean = (torch.zeros(3, 1, 1) - MEAN) / STD * torch.ones(3, 256, 128)
    torch.manual_seed(0)
    erased, noise = 0, []
    for _ in range(10):
        inputs = preprocessor(zero_chips(32), training=True)['inputs']
        for image in inputs:
            box = erased_box(image, clean)
            if box is None:
                assert torch.equal(image, clean)
                continue
            erased += 1
            top, left, h, w = box
            assert 0.02 * 256 * 128 * 0.9 <= h * w <= 256 * 128 / 3 * 1.1
            assert 0.3 * 0.9 <= h / w <= 1 / 0.3 * 1.1
            assert h < 256 and w < 128
            noise.append(image[:, top:top + h, left:left + w].flatten())
    # Binomial(320, 0.2): mean 64, sd 7.2.
    assert 35 <= erased <= 93
    noise = torch.cat(noise).double()
    n = noise.numel()
    assert n > 50_000
    assert abs(noise.mean().item()) < 5 / math.sqrt(n)
    assert noise.var().item() == pytest.approx(1.0, abs=5 * math.sqrt(2 / n))
    assert (noise.abs() < 1).double().mean().item() == pytest.approx(
        0.6827, abs=0.01)
    assert (noise.abs() > 3).double().mean().item() == pytest.approx(
        0.0027, abs=0.001)
    test = preprocessor(zero_chips(32), training=False)['inputs']
    assert all(torch.equal(image, clean) for image in test)


def test_box_that_cannot_fit_leaves_the_image():
    """An 8x8 image and at least 60% of it per box at aspect 3.3: no draw
    fits (h would exceed 8), so nothing is erased."""
    erase = PixelRandomErasing(prob=1.0, min_area=0.6, max_area=0.9,
                               min_aspect=3.3, max_aspect=3.3)
    images = torch.full((4, 3, 8, 8), 5.0)
    assert torch.equal(erase(images.clone()), images)


def test_every_image_erased_at_probability_one():
    torch.manual_seed(1)
    erase = PixelRandomErasing(prob=1.0)
    images = erase(torch.full((16, 3, 64, 32), 5.0))
    assert all(erased_box(image, torch.full_like(image, 5.0)) is not None
               for image in images)


@pytest.mark.parametrize('kwargs', [
    dict(prob=1.5), dict(min_area=0.5, max_area=0.4), dict(min_aspect=0),
    dict(max_attempts=0)
])
def test_bad_arguments_refused(kwargs):
    with pytest.raises(ValueError, match='PixelRandomErasing: expected'):
        PixelRandomErasing(**kwargs)


def test_demo_keeps_its_pipeline_erasing_only():
    cfg = Config.fromfile(REPO / 'configs/demo/sdfnet_vit-tiny_synthetic.py')
    assert cfg.model.data_preprocessor.train_augments == []
    steps = [t['type'] for t in cfg.train_dataloader.dataset.pipeline]
    assert any(getattr(s, '__name__', s) == 'RandomErasing' for s in steps)
