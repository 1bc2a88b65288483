"""setup_precision: the optimizer wrapper each config gets on each device."""
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from sdfnet_mm.engine import CPUAutocastOptimWrapper
from sdfnet_mm.utils.launch import setup_precision

REPO = Path(__file__).resolve().parents[2]
PAPER = 'configs/sdfnet_vitb16_hoss.py'
AUTHORS = 'configs/authors/sdfnet_vitb16_hoss_authors.py'


def wrapper_of(path, amp, cuda):
    """The wrapper arguments besides the optimizer; the type by name."""
    cfg = Config.fromfile(REPO / path)
    setup_precision(cfg, amp=amp, cuda=cuda)
    wrapper = dict(cfg.optim_wrapper)
    wrapper.pop('optimizer'), wrapper.pop('paramwise_cfg', None)
    wrapper['type'] = getattr(wrapper['type'], '__name__', wrapper['type'])
    assert cfg.pretty_text  # the work dir's config dump still prints
    return wrapper


@pytest.mark.parametrize('path, amp, cuda, expected', [
    # The authors trained with float16 autocast and a dynamic grad scaler.
    (AUTHORS, False, True,
     dict(type=AmpOptimWrapper, loss_scale='dynamic', dtype='float16')),
    (AUTHORS, True, True,
     dict(type=AmpOptimWrapper, loss_scale='dynamic', dtype='float16')),
    (AUTHORS, False, False, dict(type=OptimWrapper)),  # float32 on a CPU
    (AUTHORS, True, False,
     dict(type=CPUAutocastOptimWrapper, dtype='bfloat16')),
    (PAPER, False, True, dict(type=OptimWrapper)),
    (PAPER, True, True, dict(type=AmpOptimWrapper, loss_scale='dynamic')),
    (PAPER, False, False, dict(type=OptimWrapper)),
    (PAPER, True, False,
     dict(type=CPUAutocastOptimWrapper, dtype='bfloat16')),
])
def test_precision_per_config_and_device(path, amp, cuda, expected):
    expected['type'] = expected['type'].__name__
    assert wrapper_of(path, amp, cuda) == expected
