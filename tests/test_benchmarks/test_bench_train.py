"""benchmarks/bench_train.py: its cases, the precision of each, a real (tiny)
paired run and the closing lines; not its timings."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from sdfnet_mm.engine import CPUAutocastOptimWrapper
from sdfnet_mm.engine.precision import native_bf16_flags
from sdfnet_mm.utils import register_all_modules

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / 'benchmarks' / 'bench_train.py'


@pytest.fixture(scope='module')
def bench():
    spec = importlib.util.spec_from_file_location('bench_train', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    register_all_modules()
    return module


def test_case_parse(bench):
    case = bench.Case.parse('plain:vitb16:bf16')
    assert (case.model, case.config, case.precision) == (
        'plain', 'vitb16', 'bf16')
    assert str(case) == 'plain:vitb16:bf16'
    for bad in ('sdfnet:vitb16', 'sdfnet:vitl16:fp32', 'vit:demo:fp32',
                'sdfnet:demo:fp16'):
        with pytest.raises(ValueError, match=f"case '{bad}': expected "
                           'MODEL:CONFIG:PRECISION'):
            bench.Case.parse(bad)


def wrapper_type(cfg):
    kind = cfg.optim_wrapper.type
    return getattr(kind, '__name__', kind)


def test_case_config_precision(bench):
    """fp32 / bf16 rows run in their dtype whatever the CPU (bf16 emulated
    where it is not native); default is the config's precision as
    tools/train.py resolves it here."""
    cfg, chosen = bench.case_config(bench.Case.parse('sdfnet:vitb16:fp32'))
    assert (chosen.name, wrapper_type(cfg)) == ('fp32', 'OptimWrapper')
    assert cfg.model.backbone.init_cfg is None
    cfg, chosen = bench.case_config(bench.Case.parse('sdfnet:vitb16:bf16'))
    assert (chosen.name, wrapper_type(cfg)) == (
        'bf16', 'CPUAutocastOptimWrapper')
    assert chosen.fallback != bool(native_bf16_flags())  # emulated here
    # The paper's config: auto, bfloat16 only where it is native.
    cfg, chosen = bench.case_config(
        bench.Case.parse('sdfnet:vitb16:default'))
    assert chosen.name == ('bf16' if native_bf16_flags() else 'fp32')
    # The demo's config asks for float32 everywhere.
    cfg, chosen = bench.case_config(bench.Case.parse('sdfnet:demo:default'))
    assert (chosen.name, wrapper_type(cfg)) == ('fp32', 'OptimWrapper')
    assert cfg.optim_wrapper.optimizer.type is torch.optim.AdamW


def test_tiny_paired_run(bench, monkeypatch):
    """A real paired train run of the demo model (batch 4, one timed step,
    256^2 reference matmuls): one row per case, the step through the
    config's optimizer wrapper in the case's precision, a matmul rate per
    dtype, FLOPs independent of the dtype."""
    monkeypatch.setattr(bench, 'MATMUL_SIZE', 256)
    cases = [bench.Case.parse(text) for text in (
        'sdfnet:demo:fp32', 'sdfnet:demo:bf16', 'sdfnet:demo:default')]
    prepared = bench.prepare_case(cases[1], 'train', 4, {})
    assert type(prepared['optim_wrapper']) is CPUAutocastOptimWrapper
    before = [p.detach().clone() for p in prepared['model'].parameters()]
    bench.timed_step(prepared, 'train')
    moved = [not torch.equal(a, b) for a, b in zip(
        before, prepared['model'].parameters())]
    assert sum(moved) > len(moved) // 2

    torch.set_num_threads(1)
    rows = bench.run_cases(cases, 'train', 4, 1)
    assert [(r['case'], r['precision']) for r in rows] == [
        ('sdfnet:demo:fp32', 'fp32'), ('sdfnet:demo:bf16', 'bf16'),
        ('sdfnet:demo:default', 'fp32')]
    assert len({r['gflops'] for r in rows}) == 1
    # By hand: 6 blocks of 128 wide (MLP 512) on 64 patch tokens plus a
    # few extra ones, 2 x 66 x (4 x 128^2 + 2 x 128 x 512) FLOPs of linears
    # per block, 0.16 GFLOP per image forward with the attention and the
    # patch embedding; three times that with backward.
    assert 4 * 0.15 * 3 < rows[0]['gflops'] < 4 * 0.25 * 3
    assert rows[0]['matmul_gflops'] == rows[2]['matmul_gflops']
    assert rows[0]['matmul_gflops'] != rows[1]['matmul_gflops']
    for row in rows:
        assert row['seconds'] > 0 and row['peak_rss_mb'] is None
        assert row['achieved'] == pytest.approx(
            row['gflops'] / row['seconds'])
    [single] = bench.run_cases(cases[:1], 'inference', 4, 1)
    assert single['peak_rss_mb'] > 0 and single['mode'] == 'inference'
    assert single['gflops'] < rows[0]['gflops'] / 2


def row(case, mode, seconds, achieved=100.0, matmul=200.0):
    return dict(case=case, mode=mode, seconds=seconds, achieved=achieved,
                matmul_gflops=matmul)


def test_closing_lines(bench):
    paired = [
        row('sdfnet:vitb16:fp32', 'train', 4.0, 150.0, 300.0),
        row('sdfnet:vitb16:bf16', 'train', 2.5, 240.0, 400.0),
        row('plain:vitb16:fp32', 'train', 3.9),
        row('plain:vitb16:bf16', 'train', 2.0),
        row('sdfnet:vitb16:fp32', 'inference', 1.2),
        row('sdfnet:vitb16:bf16', 'inference', 0.8),
        row('sdfnet:demo:fp32', 'train', 0.30),
        row('sdfnet:demo:default', 'train', 0.20),
    ]
    assert bench.closing_lines(paired) == [
        'efficiency_fp32: 0.50', 'overhead_fp32: 0.03',
        'efficiency_bf16: 0.60', 'overhead_bf16: 0.25',
        'inference_bf16_speedup: 1.50', 'bf16_speedup: 1.60',
        'demo_speedup: 1.50']
    with pytest.raises(KeyError, match='no train row of sdfnet:demo:default'):
        bench.closing_lines(paired[:-1])


def test_plans_end_with_the_speedup_cases(bench):
    """Both modes run every paired case the closing lines read, and the
    quick mode only paired rows (ViT-B/16 at batch 8)."""
    for quick in (True, False):
        single, paired = bench.plans(quick)
        assert bool(single) != quick
        rows = [row(case, mode, 1.0) for cases, mode, _, _ in paired
                for case in cases]
        assert len(bench.closing_lines(rows)) == 7
        for cases, *_ in single + paired:
            [bench.Case.parse(case) for case in cases]
    _, paired = bench.plans(True)
    assert [batch for _, mode, batch, _ in paired[:2]] == [8, 8]


def test_help():
    done = subprocess.run([sys.executable, str(SCRIPT), '--help'],
                          capture_output=True, text=True, check=True)
    assert '--quick' in done.stdout and 'demo_speedup' in done.stdout
