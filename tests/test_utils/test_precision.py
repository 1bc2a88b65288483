"""setup_precision: the optimizer wrapper and loop autocast each config
gets for each request on each device (the hardware given as a
capabilities mapping), and the tools' --precision / --amp."""
import logging
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.optim import AmpOptimWrapper, OptimWrapper
from tool_loading import load_tool

from sdfnet_mm.engine import CPUAutocastOptimWrapper
from sdfnet_mm.engine import precision as precision_module
from sdfnet_mm.utils.launch import setup_precision

REPO = Path(__file__).resolve().parents[2]
PAPER = 'configs/sdfnet_vitb16_hoss.py'
AUTHORS = 'configs/authors/sdfnet_vitb16_hoss_authors.py'
DEMO = 'configs/demo/sdfnet_vit-tiny_synthetic.py'
ZEN1 = dict(avx2=True, avx512_bf16=False, amx_bf16=False)
AMX = dict(avx2=True, avx512_bf16=True, amx_bf16=True)

GPU_FP16 = dict(type=AmpOptimWrapper, loss_scale='dynamic', dtype='float16')
CPU_BF16 = dict(type=CPUAutocastOptimWrapper, dtype='bfloat16')
FP32 = dict(type=OptimWrapper)


def set_up(path, precision=None, amp=False, cuda=False, capabilities=ZEN1):
    """(chosen precision name, wrapper arguments besides the optimizer with
    the type by name, val_cfg.fp16, test_cfg.fp16)."""
    cfg = Config.fromfile(REPO / path)
    chosen = setup_precision(cfg, precision, amp=amp, cuda=cuda,
                             capabilities=capabilities)
    wrapper = dict(cfg.optim_wrapper)
    wrapper.pop('optimizer'), wrapper.pop('paramwise_cfg', None)
    wrapper['type'] = getattr(wrapper['type'], '__name__', wrapper['type'])
    assert cfg.pretty_text  # the work dir's config dump still prints
    return (chosen.name, wrapper, cfg.val_cfg.get('fp16'),
            cfg.test_cfg.get('fp16'))


@pytest.mark.parametrize('path, precision, amp, cuda, capabilities, '
                         'expected, loops', [
    # GPU: the authors trained with float16 AMP; the paper's config is
    # float32 unless asked.
    (AUTHORS, None, False, True, ZEN1, ('fp16', GPU_FP16), True),
    (AUTHORS, None, True, True, ZEN1, ('fp16', GPU_FP16), True),
    (AUTHORS, 'fp32', False, True, ZEN1, ('fp32', FP32), False),
    (PAPER, None, False, True, ZEN1, ('fp32', FP32), False),
    (PAPER, None, True, True, ZEN1, ('fp16', dict(
        type=AmpOptimWrapper, loss_scale='dynamic', dtype='float16')), True),
    # bfloat16 on a GPU: the loops would autocast to float16; they stay
    # float32.
    (PAPER, 'bf16', False, True, ZEN1, ('bf16', dict(
        type=AmpOptimWrapper, dtype='bfloat16')), False),
    # CPU with native bfloat16: every ViT-B config trains and evaluates in
    # it, the demo stays float32.
    (PAPER, None, False, False, AMX, ('bf16', CPU_BF16), True),
    (AUTHORS, None, False, False, AMX, ('bf16', CPU_BF16), True),
    (PAPER, None, True, False, AMX, ('bf16', CPU_BF16), True),
    (PAPER, 'fp32', False, False, AMX, ('fp32', FP32), False),
    (DEMO, None, False, False, AMX, ('fp32', FP32), False),
    (DEMO, 'bf16', False, False, AMX, ('bf16', CPU_BF16), True),
    # CPU without it (this host): float32, a config's AmpOptimWrapper too.
    (PAPER, None, False, False, ZEN1, ('fp32', FP32), False),
    (AUTHORS, None, False, False, ZEN1, ('fp32', FP32), False),
    (PAPER, None, True, False, ZEN1, ('fp32', FP32), False),
    (DEMO, 'bf16', False, False, ZEN1, ('fp32', FP32), False),
])
def test_precision_per_config_request_and_device(
        precision_log, path, precision, amp, cuda, capabilities, expected,
        loops):
    name, wrapper = expected
    wrapper = dict(wrapper, type=wrapper['type'].__name__)
    assert set_up(path, precision, amp, cuda, capabilities) == (
        name, wrapper, loops, loops)
    assert len(precision_log) == 1


def test_forced_bf16_on_this_kind_of_cpu_warns(precision_log):
    set_up(PAPER, amp=True, capabilities=ZEN1)
    [(level, message)] = precision_log
    assert level == logging.WARNING
    assert message.startswith(
        'precision: float32, not the requested bfloat16: no native bfloat16')


def test_precision_from_the_config_key(precision_log):
    cfg = Config.fromfile(REPO / DEMO)
    cfg.precision = 'bf16'  # as --cfg-options precision=bf16
    assert setup_precision(cfg, cuda=False, capabilities=AMX).name == 'bf16'
    cfg = Config.fromfile(REPO / DEMO)
    cfg.precision = 'half'
    with pytest.raises(ValueError, match="the config's 'precision' key: "
                       "precision 'half'"):
        setup_precision(cfg, cuda=False)
    cfg = Config.fromfile(REPO / DEMO)
    cfg._cfg_dict.pop('precision')  # a config without the key: auto
    assert setup_precision(cfg, cuda=False, capabilities=AMX).name == 'bf16'
    with pytest.raises(ValueError, match='--amp and --precision fp32'):
        setup_precision(cfg, 'fp32', amp=True, cuda=False)


def test_tools_precision_arguments(precision_log, capsys):
    train, test = load_tool('tools/train.py'), load_tool('tools/test.py')
    config = str(REPO / PAPER)
    args = train.parse_args([config, '--precision', 'bf16'])
    cfg = train.merge_args(Config.fromfile(config), args)
    # On this host (no native bfloat16) the request falls back; elsewhere
    # it is granted.
    native = bool(precision_module.native_bf16_flags())
    wrapper_type = getattr(cfg.optim_wrapper.type, '__name__',
                           cfg.optim_wrapper.type)
    assert wrapper_type == (
        'CPUAutocastOptimWrapper' if native else 'OptimWrapper')
    assert cfg.val_cfg.fp16 is native
    assert precision_log[-1][0] == (
        logging.INFO if native else logging.WARNING)
    with pytest.raises(SystemExit):
        train.parse_args([config, '--amp', '--precision', 'fp32'])
    assert 'not allowed with argument' in capsys.readouterr().err
    args = test.parse_args([config, 'x.pth', '--precision', 'fp32'])
    cfg = test.merge_args(Config.fromfile(config), args)
    assert cfg.test_cfg.fp16 is False
    assert precision_log[-1] == (logging.INFO,
                                 'precision: float32 (requested)')
