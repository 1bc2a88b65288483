"""Train-step and inference speed of SDF-Net against the plain ViT on CPU,
in float32 and bfloat16.

    python benchmarks/bench_train.py          # ViT-B/16 batch 32, demo model
    python benchmarks/bench_train.py --quick  # ViT-B/16 batch 8, demo model

A case is ``MODEL:CONFIG:PRECISION``: the model (``sdfnet``, or ``plain``:
MMPretrain's ``VisionTransformer`` with the same BNNeck head and losses, CE
+ triplet on the CLS token, i.e. SDF-Net without dual tokenizer, MIE, SSE,
SCL and DFL), its config (``vitb16``: the paper's, 256x128; ``demo``: the
CPU demo's, 256x64) and the precision of the step:

- ``fp32`` / ``bf16``: eager float32, or bfloat16 autocast
  (``CPUAutocastOptimWrapper``, SDF-Net's float32 islands included), with
  the config's optimizer in torch's default implementation (its ``fused`` /
  ``foreach`` options dropped). On a CPU without native bfloat16 the
  ``bf16`` rows measure the emulation (the first output line says which).
- ``default``: what ``tools/train.py`` builds from the config on this
  machine: the config's ``precision`` resolved for this CPU
  (:func:`~sdfnet_mm.utils.launch.setup_precision`) and its optimizer
  wrapper as given.

A train step is forward + backward + optimizer update through the config's
MMEngine optimizer wrapper; inference is the retrieval features' forward.
Steps run on random inputs at the model's input size; s/step is the best
step after one warm-up step. Single rows each run in their own process (so
the peak RSS is their own); paired rows run in one process with their steps
interleaved, so that the host's slow spells (its speed drifts by 20%) hit
them alike, and give the closing lines. The matrix-multiply rate of each
precision (the best 2048^3 product in that dtype, run between the rounds of
steps) is measured in the same process, window and threads; eff. = achieved
GFLOP/s / the rate of the row's dtype. FLOPs are counted by
``sdfnet_mm.utils.flop_count.count_flops``: ``torch.utils.flop_counter``
(linear, conv, matmul) plus the CPU attention kernel, which torch does not
count (``4 B N^2 C`` per block forward, twice that backward); a row's FLOPs
do not depend on its dtype.

Closing lines (paired rows): ``efficiency_fp32`` / ``efficiency_bf16`` and
``overhead_fp32`` / ``overhead_bf16`` (SDF-Net ViT-B/16 train step against
the plain ViT), ``inference_bf16_speedup`` (ViT-B/16 features, bf16 over
fp32), ``bf16_speedup`` (ViT-B/16 train step, bf16 over fp32) and
``demo_speedup`` (demo train step, ``default`` over eager ``fp32``).
"""
import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import torch

REPO = Path(__file__).resolve().parents[1]
CONFIGS = {
    'vitb16': REPO / 'configs/sdfnet_vitb16_hoss.py',
    'demo': REPO / 'configs/demo/sdfnet_vit-tiny_synthetic.py',
}
MODEL_NAMES = ('sdfnet', 'plain')
CASE_PRECISIONS = ('fp32', 'bf16', 'default')
#: Optimizer options that choose an implementation, not the update; the
#: eager rows drop them.
IMPLEMENTATION_OPTIONS = ('fused', 'foreach')
#: The reference matmul: ``MATMUL_SIZE`` squared in each dtype, this many
#: per round of steps.
MATMUL_SIZE = 2048
MATMUL_REPEATS = 3
MATMUL_DTYPES = {'fp32': torch.float32, 'bf16': torch.bfloat16}


@dataclass(frozen=True)
class Case:
    """One benchmarked model, config and precision."""
    model: str
    config: str
    precision: str

    @classmethod
    def parse(cls, text: str) -> 'Case':
        """``'MODEL:CONFIG:PRECISION'`` -> Case (a ValueError naming the
        expected parts otherwise)."""
        parts = text.split(':')
        if len(parts) != 3 or parts[0] not in MODEL_NAMES or \
                parts[1] not in CONFIGS or parts[2] not in CASE_PRECISIONS:
            raise ValueError(
                f'case {text!r}: expected MODEL:CONFIG:PRECISION with MODEL '
                f'in {MODEL_NAMES}, CONFIG in {tuple(CONFIGS)}, PRECISION '
                f'in {CASE_PRECISIONS}')
        return cls(*parts)

    def __str__(self) -> str:
        return f'{self.model}:{self.config}:{self.precision}'


def case_config(case: Case):
    """(The config of ``case`` with random initial weights and its optimizer
    wrapper set up for the case's precision, the resolved
    :class:`~sdfnet_mm.engine.precision.Precision`)."""
    from mmengine.config import Config

    from sdfnet_mm.utils.launch import setup_precision
    cfg = Config.fromfile(CONFIGS[case.config])
    cfg.model.backbone.init_cfg = None
    if case.precision == 'default':
        return cfg, setup_precision(cfg, cuda=False)
    chosen = setup_precision(cfg, case.precision, cuda=False,
                             allow_emulated=True)
    for key in IMPLEMENTATION_OPTIONS:
        cfg.optim_wrapper.optimizer.pop(key, None)
    return cfg, chosen


class PlainViTReID(torch.nn.Module):
    """MMPretrain's VisionTransformer + the same BNNeck head and losses,
    with the SDF-Net config's dropout and stochastic depth."""

    def __init__(self, sdfnet, backbone_cfg) -> None:
        super().__init__()
        from mmpretrain.models.backbones import VisionTransformer
        backbone = sdfnet.backbone
        self.backbone = VisionTransformer(
            arch=backbone.arch_settings, img_size=backbone.img_size,
            patch_size=16, out_type='cls_token',
            drop_rate=backbone_cfg.get('drop_rate', 0.),
            drop_path_rate=backbone_cfg.get('drop_path_rate', 0.),
            norm_cfg=dict(type='LN', eps=1e-6))
        self.head = sdfnet.head

    def loss(self, images, labels, modality, ship_size):
        return self.head.loss(self.backbone(images)[0], labels)

    def features(self, images, modality, ship_size):
        return self.head.test_embedding(self.backbone(images)[0])


class SDFNetStep(torch.nn.Module):
    """The same interface over SDFNet."""

    def __init__(self, sdfnet) -> None:
        super().__init__()
        self.model = sdfnet

    def loss(self, images, labels, modality, ship_size):
        from mmpretrain.structures import DataSample
        samples = [DataSample().set_gt_label(int(x)) for x in labels]
        return self.model.loss(images, samples, modality, ship_size)

    def features(self, images, modality, ship_size):
        return self.model(images, mode='tensor', modality=modality,
                          ship_size=ship_size)


def make_model(case: Case, cfg):
    """The benchmarked module of ``case`` (seeded: the same weights in
    every precision)."""
    from sdfnet_mm.registry import MODELS
    torch.manual_seed(0)
    sdfnet = MODELS.build(cfg.model)
    sdfnet.init_weights()
    if case.model == 'plain':
        return PlainViTReID(sdfnet, cfg.model.backbone)
    return SDFNetStep(sdfnet)


def backbone_of(model):
    return model.model.backbone if hasattr(model, 'model') else model.backbone


def make_batch(batch: int, img_size=(256, 128)):
    """Random normalised (H, W) images, 2 + 2 images per identity, both
    modalities."""
    generator = torch.Generator().manual_seed(0)
    images = torch.randn(batch, 3, *img_size, generator=generator)
    labels = torch.arange(batch) // 4
    modality = (torch.arange(batch) // 2) % 2
    return images, labels, modality, torch.randn(batch, 3,
                                                 generator=generator)


def count_step_flops(model, mode: str, batch: int) -> int:
    """FLOPs of one step at ``batch``, counted in float32 at batch 2 and
    scaled."""
    from sdfnet_mm.utils.flop_count import count_flops
    data = make_batch(2, backbone_of(model).img_size)

    def step() -> None:
        if mode == 'train':
            losses = model.loss(*data)
            sum(v for k, v in losses.items() if 'loss' in k).backward()
        else:
            with torch.no_grad():
                model.features(data[0], data[2], data[3])

    counted = count_flops(step)['Global']
    model.zero_grad()
    return counted * batch // 2


def prepare_case(case: Case, mode: str, batch: int,
                 flops_cache: Dict[Tuple[str, str], int]) -> dict:
    """Model, optimizer wrapper, precision, batch and FLOPs of one case
    (FLOPs counted once per model and config)."""
    from mmengine.optim import build_optim_wrapper
    cfg, precision = case_config(case)
    model = make_model(case, cfg)
    key = (case.model, case.config)
    if key not in flops_cache:
        flops_cache[key] = count_step_flops(model, mode, batch)
    model.train(mode == 'train')
    return dict(case=case, model=model, precision=precision,
                flops=flops_cache[key],
                data=make_batch(batch, backbone_of(model).img_size),
                optim_wrapper=build_optim_wrapper(model, cfg.optim_wrapper))


def timed_step(prepared: dict, mode: str) -> float:
    """Seconds of one train step (forward, backward, optimizer update
    through the optimizer wrapper) or one inference forward, in the case's
    precision."""
    model, data = prepared['model'], prepared['data']
    start = time.perf_counter()
    if mode == 'train':
        wrapper = prepared['optim_wrapper']
        with wrapper.optim_context(model):
            losses = model.loss(*data)
        wrapper.update_params(
            sum(v for k, v in losses.items() if 'loss' in k))
    else:
        with torch.no_grad(), prepared['precision'].autocast():
            model.features(data[0], data[2], data[3])
    return time.perf_counter() - start


def matmul_seconds(a: torch.Tensor, b: torch.Tensor) -> float:
    """Seconds of one ``a @ b``."""
    start = time.perf_counter()
    a @ b
    return time.perf_counter() - start


def run_cases(cases: Sequence[Case], mode: str, batch: int,
              steps: int) -> List[dict]:
    """Time ``cases`` in this process, their steps interleaved (A B A B
    ...) and followed each round by ``MATMUL_REPEATS`` reference matmuls
    in each dtype the cases use, so that a slow spell of the host hits all
    of them alike; one warm-up step each, then the best of ``steps`` (and
    the best matmul). Peak RSS is reported only for a single case (the
    process's peak is then its own)."""
    flops_cache = {}
    prepared = [prepare_case(case, mode, batch, flops_cache)
                for case in cases]
    operands = {}
    for item in prepared:
        name = item['precision'].name
        if name not in operands:
            dtype = MATMUL_DTYPES[name]
            operands[name] = (torch.randn(MATMUL_SIZE, MATMUL_SIZE).to(dtype),
                              torch.randn(MATMUL_SIZE, MATMUL_SIZE).to(dtype))
            matmul_seconds(*operands[name])
    for item in prepared:
        timed_step(item, mode)
    times = [[] for _ in prepared]
    matmul_times = {name: [] for name in operands}
    for _ in range(steps):
        for item, store in zip(prepared, times):
            store.append(timed_step(item, mode))
        for name, (a, b) in operands.items():
            matmul_times[name] += [matmul_seconds(a, b)
                                   for _ in range(MATMUL_REPEATS)]
    rates = {name: 2 * MATMUL_SIZE**3 / min(seconds) / 1e9
             for name, seconds in matmul_times.items()}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = []
    for item, store in zip(prepared, times):
        seconds = min(store)
        precision = item['precision'].name
        rows.append(dict(case=str(item['case']), precision=precision,
                         mode=mode, batch=batch, seconds=seconds,
                         images_per_s=batch / seconds,
                         gflops=item['flops'] / 1e9,
                         achieved=item['flops'] / seconds / 1e9,
                         matmul_gflops=rates[precision],
                         peak_rss_mb=peak if len(cases) == 1 else None))
    return rows


def in_subprocess(cases: Sequence[str], mode: str, batch: int, steps: int,
                  threads: int) -> List[dict]:
    out = subprocess.run([
        sys.executable, __file__, '--case', ','.join(cases), '--mode', mode,
        '--batch', str(batch), '--steps', str(steps), '--threads',
        str(threads)
    ], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def find_row(rows: Sequence[dict], case: str, mode: str) -> dict:
    """The row of ``case`` in ``mode`` (a KeyError naming both if none)."""
    for row in rows:
        if row['case'] == case and row['mode'] == mode:
            return row
    raise KeyError(f'no {mode} row of {case}')


def closing_lines(paired: Sequence[dict]) -> List[str]:
    """The summary lines from the paired rows (see the module docstring);
    ``bf16_speedup`` and ``demo_speedup`` last."""
    def seconds(case, mode='train'):
        return find_row(paired, case, mode)['seconds']

    lines = []
    for name in ('fp32', 'bf16'):
        sdfnet = find_row(paired, f'sdfnet:vitb16:{name}', 'train')
        lines.append(f'efficiency_{name}: '
                     f"{sdfnet['achieved'] / sdfnet['matmul_gflops']:.2f}")
        overhead = seconds(f'sdfnet:vitb16:{name}') / seconds(
            f'plain:vitb16:{name}') - 1
        lines.append(f'overhead_{name}: {overhead:.2f}')
    speedup = seconds('sdfnet:vitb16:fp32', 'inference') / seconds(
        'sdfnet:vitb16:bf16', 'inference')
    lines.append(f'inference_bf16_speedup: {speedup:.2f}')
    speedup = seconds('sdfnet:vitb16:fp32') / seconds('sdfnet:vitb16:bf16')
    lines.append(f'bf16_speedup: {speedup:.2f}')
    speedup = seconds('sdfnet:demo:fp32') / seconds('sdfnet:demo:default')
    lines.append(f'demo_speedup: {speedup:.2f}')
    return lines


def bf16_line() -> str:
    """Whether this CPU's bfloat16 is native (and by which flags)."""
    from sdfnet_mm.engine.precision import native_bf16_flags
    flags = native_bf16_flags()
    if flags:
        return f"bfloat16: native on this CPU ({', '.join(flags)})"
    return ('bfloat16: EMULATED on this CPU (no amx_bf16 / avx512_bf16): '
            'the bf16 rows measure the emulation')


def plans(quick: bool) -> Tuple[list, list]:
    """(single plans, paired plans): (cases, mode, batch, steps) each."""
    vitb16 = ['sdfnet:vitb16:fp32', 'sdfnet:vitb16:bf16',
              'plain:vitb16:fp32', 'plain:vitb16:bf16']
    demo = (['sdfnet:demo:fp32', 'sdfnet:demo:default'], 'train', 32, 5)
    if quick:
        return [], [(vitb16, 'train', 8, 3),
                     (vitb16[:2], 'inference', 8, 3), demo]
    single = [([f'{model}:{config}:{precision}'], mode, 32, steps)
              for model, config, mode, steps in (
                  ('sdfnet', 'vitb16', 'train', 3),
                  ('plain', 'vitb16', 'train', 3),
                  ('sdfnet', 'vitb16', 'inference', 3),
                  ('plain', 'vitb16', 'inference', 3),
                  ('sdfnet', 'demo', 'train', 5),
                  ('plain', 'demo', 'train', 5),
                  ('sdfnet', 'demo', 'inference', 5))
              for precision in ('fp32', 'bf16')]
    return single, [(vitb16, 'train', 32, 3),
                    (vitb16[:2], 'inference', 32, 3), demo]


def print_rows(rows: Sequence[dict]) -> None:
    header = (f"{'case':<27}{'mode':<11}{'batch':>6}{'s/step':>9}"
              f"{'img/s':>8}{'GFLOP':>9}{'GFLOP/s':>9}{'eff.':>7}"
              f"{'peak RSS':>10}{'matmul':>10}")
    print(header)
    print('-' * len(header))
    for r in rows:
        peak = ('  paired' if r['peak_rss_mb'] is None else
                f"{r['peak_rss_mb']:>8.0f}MB")
        # A 'default' case shows the precision it resolved to.
        case = r['case'].replace(':default', f":default={r['precision']}")
        print(f"{case:<27}{r['mode']:<11}{r['batch']:>6}"
              f"{r['seconds']:>9.2f}{r['images_per_s']:>8.1f}"
              f"{r['gflops']:>9.1f}{r['achieved']:>9.1f}"
              f"{r['achieved'] / r['matmul_gflops']:>7.2f}{peak:>10}"
              f"{r['matmul_gflops']:>10.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0].replace('\n', ' '),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n\n', 2)[2])
    parser.add_argument('--quick', action='store_true',
                        help='ViT-B/16 batch 8 and the demo, paired rows '
                        'only')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--case', help=argparse.SUPPRESS)
    parser.add_argument('--mode', default='train', help=argparse.SUPPRESS)
    parser.add_argument('--batch', type=int, default=32,
                        help=argparse.SUPPRESS)
    parser.add_argument('--steps', type=int, default=3,
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    from sdfnet_mm.utils import register_all_modules
    register_all_modules()
    if args.case:  # a child process: its cases, one JSON line
        cases = [Case.parse(text) for text in args.case.split(',')]
        print(json.dumps(run_cases(cases, args.mode, args.batch,
                                   args.steps)))
        return

    print(bf16_line(), flush=True)
    single, paired = plans(args.quick)
    rows = [row for plan in single
            for row in in_subprocess(*plan, args.threads)]
    paired_rows = [row for plan in paired
                   for row in in_subprocess(*plan, args.threads)]
    print(f'matmul: the best {MATMUL_SIZE}^3 product in the dtype of the '
          f'row, {args.threads} threads, in the same process; eff. = '
          'GFLOP/s / that rate')
    print_rows(rows + paired_rows)
    print('paired: the cases of one plan in one process, steps '
          'interleaved; s/step is the best step')
    for line in closing_lines(paired_rows):
        print(line)


if __name__ == '__main__':
    main()
