"""resolve_precision: the precision chosen for each request and hardware,
with its log line."""
import logging

import pytest
import torch

from sdfnet_mm.engine.precision import (ALLOW_EMULATED_BF16, config_amp,
                                        cpu_capabilities, native_bf16_flags,
                                        resolve_precision)

#: torch.cpu.get_capabilities() of the test host, a Zen 1 EPYC (AVX2 only),
#: trimmed to the flags that matter here.
ZEN1 = dict(avx2=True, avx512_f=False, avx512_bf16=False, amx_tile=False,
            amx_bf16=False, amx_int8=False, cpu_name='AMD EPYC')
#: A Sapphire Rapids Xeon: AMX and AVX-512 BF16.
SAPPHIRE_RAPIDS = dict(avx2=True, avx512_f=True, avx512_bf16=True,
                       amx_tile=True, amx_bf16=True, amx_int8=True)
#: A Zen 4 EPYC: AVX-512 BF16 without AMX.
ZEN4 = dict(avx2=True, avx512_f=True, avx512_bf16=True, amx_bf16=False)
#: AVX-512 without BF16 (Skylake-SP): ATen's dispatch level says 'AVX512'.
SKYLAKE = dict(avx2=True, avx512_f=True, avx512_bf16=False, amx_bf16=False)


def test_native_bf16_flags_from_a_capabilities_mapping():
    assert native_bf16_flags(SAPPHIRE_RAPIDS) == ('amx_bf16', 'avx512_bf16')
    assert native_bf16_flags(ZEN4) == ('avx512_bf16', )
    assert native_bf16_flags(SKYLAKE) == ()
    assert native_bf16_flags(ZEN1) == ()
    assert native_bf16_flags({}) == ()
    # ARM's flags are not taken as native (unmeasured there).
    assert native_bf16_flags(dict(bf16=True, sve_bf16=True)) == ()


def test_capabilities_on_a_torch_without_get_capabilities(monkeypatch):
    """An older torch without torch.cpu.get_capabilities(): its private
    avx512_bf16 probe, else nothing (float32)."""
    monkeypatch.delattr(torch.cpu, 'get_capabilities')
    monkeypatch.setattr(torch.cpu, '_is_avx512_bf16_supported',
                        lambda: True, raising=False)
    assert cpu_capabilities() == {'avx512_bf16': True}
    assert native_bf16_flags() == ('avx512_bf16', )
    monkeypatch.delattr(torch.cpu, '_is_avx512_bf16_supported')
    assert cpu_capabilities() == {} and native_bf16_flags() == ()


def test_auto_on_a_cpu_with_native_bf16_is_bf16(precision_log):
    chosen = resolve_precision('auto', 'cpu', capabilities=SAPPHIRE_RAPIDS)
    assert (chosen.name, chosen.dtype, chosen.fallback) == (
        'bf16', torch.bfloat16, False)
    assert precision_log == [
        (logging.INFO, 'precision: bfloat16 autocast (auto: this CPU has '
         'native bfloat16: amx_bf16, avx512_bf16)')]
    assert resolve_precision('bf16', 'cpu', capabilities=ZEN4).name == 'bf16'


@pytest.mark.parametrize('capabilities', [ZEN1, SKYLAKE])
def test_auto_without_native_bf16_is_fp32_with_a_log_line(
        precision_log, capabilities):
    chosen = resolve_precision('auto', 'cpu', capabilities=capabilities)
    assert (chosen.name, chosen.dtype, chosen.fallback) == (
        'fp32', None, False)
    [(level, message)] = precision_log
    assert level == logging.INFO
    assert message.startswith('precision: float32 (auto: no native bfloat16')
    assert 'amx_bf16 and avx512_bf16 absent' in message


def test_forced_bf16_without_native_bf16_falls_back_with_a_warning(
        precision_log, monkeypatch):
    chosen = resolve_precision('bf16', 'cpu', capabilities=ZEN1)
    assert (chosen.name, chosen.fallback) == ('fp32', True)
    [(level, message)] = precision_log
    assert level == logging.WARNING
    assert 'float32, not the requested bfloat16' in message
    assert '6-13x slower' in message and ALLOW_EMULATED_BF16 in message
    # The override runs the emulation, still with a warning.
    emulated = resolve_precision('bf16', 'cpu', capabilities=ZEN1,
                                 allow_emulated=True)
    assert (emulated.name, emulated.fallback) == ('bf16', True)
    level, message = precision_log[-1]
    assert level == logging.WARNING and 'EMULATED' in message
    monkeypatch.setenv(ALLOW_EMULATED_BF16, '1')
    assert resolve_precision('bf16', 'cpu', capabilities=ZEN1).name == 'bf16'


def test_this_cpu_without_a_mapping(precision_log):
    """The real detection: on a CPU without native bfloat16 (the test
    host's Zen 1) auto is float32 and a bf16 request falls back, each
    with its log line; on one with it, both are bfloat16."""
    auto = resolve_precision('auto', 'cpu')
    forced = resolve_precision('bf16', 'cpu', allow_emulated=False)
    if native_bf16_flags():
        assert auto.name == forced.name == 'bf16'
        assert all(level == logging.INFO for level, _ in precision_log)
    else:
        assert (auto.name, forced.name, forced.fallback) == (
            'fp32', 'fp32', True)
        assert [level for level, _ in precision_log] == [logging.INFO,
                                                  logging.WARNING]
        assert 'no native bfloat16 on this CPU' in precision_log[1][1]


def test_each_decision_is_logged_once_per_process(precision_log):
    for _ in range(3):
        resolve_precision('auto', 'cpu', capabilities=ZEN1)
    resolve_precision('auto', 'cpu', capabilities=ZEN1, log=False)
    resolve_precision('fp32', 'cpu')
    assert [message[:28] for _, message in precision_log] == [
        'precision: float32 (auto: no', 'precision: float32 (requeste']


def test_fp32_and_fp16_on_a_cpu(precision_log):
    assert resolve_precision('fp32', 'cpu',
                             capabilities=SAPPHIRE_RAPIDS).name == 'fp32'
    fp16 = resolve_precision('fp16', 'cpu', capabilities=SAPPHIRE_RAPIDS)
    assert (fp16.name, fp16.fallback) == ('fp32', True)
    assert precision_log[-1][0] == logging.WARNING
    assert 'float16 autocast needs a GPU' in precision_log[-1][1]


@pytest.mark.parametrize('requested, amp, expected', [
    ('auto', None, 'fp32'),  # the paper's config: float32 as before
    ('auto', 'fp16', 'fp16'),  # the authors' config: their float16 AMP
    ('auto', 'bf16', 'bf16'),  # a config's AmpOptimWrapper(dtype=bfloat16)
    ('fp16', None, 'fp16'),
    ('bf16', 'fp16', 'bf16'),
    ('fp32', 'fp16', 'fp32'),
])
def test_gpu_selection(precision_log, requested, amp, expected):
    """The GPU branch needs no GPU: capabilities play no part there."""
    chosen = resolve_precision(requested, 'cuda', config_amp=amp,
                               capabilities=ZEN1)
    assert (chosen.name, chosen.device_type, chosen.fallback) == (
        expected, 'cuda', False)
    assert precision_log[-1][0] == logging.INFO


def test_other_devices_and_bad_requests(precision_log):
    assert resolve_precision('auto', 'mps').name == 'fp32'
    assert resolve_precision('bf16', 'mps').fallback
    with pytest.raises(ValueError, match=r"precision 'bfloat16', expected "
                       r"one of \('auto', 'fp32', 'bf16', 'fp16'\)"):
        resolve_precision('bfloat16', 'cpu')


def test_config_amp():
    from mmengine.optim import AmpOptimWrapper
    assert config_amp(dict(optim_wrapper=dict(type='OptimWrapper'))) is None
    assert config_amp({}) is None
    assert config_amp(dict(optim_wrapper=dict(type=AmpOptimWrapper))) == \
        'fp16'
    assert config_amp(dict(optim_wrapper=dict(
        type='mmengine.optim.AmpOptimWrapper', dtype='bfloat16'))) == 'bf16'


def test_autocast_context():
    x = torch.ones(2, 2)
    bf16 = resolve_precision('bf16', 'cpu', capabilities=ZEN4, log=False)
    with bf16.autocast():
        assert torch.is_autocast_enabled('cpu')
        assert (x @ x).dtype == torch.bfloat16
    fp32 = resolve_precision('auto', 'cpu', capabilities=ZEN1, log=False)
    with fp32.autocast():
        assert not torch.is_autocast_enabled('cpu')
        assert (x @ x).dtype == torch.float32
