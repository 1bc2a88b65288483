"""Train-step and inference speed of SDF-Net against the plain ViT on CPU.

    python benchmarks/bench_train.py          # ViT-B/16 batch 32, demo model
    python benchmarks/bench_train.py --quick  # ViT-B/16 batch 8, < 90 s

Each single case runs in its own process (so its peak RSS is its own) on
random inputs at the model's input size (ViT-B/16: 256x128, demo: 256x64);
s/step is the best step after one warm-up step. The efficiency and overhead
lines come from a paired run: SDF-Net and the plain ViT-B/16 built in one
process and their train steps interleaved, so that the host's slow spells
(its speed drifts by 20% here) hit both alike. The machine's
single-precision matrix-multiply rate (the best of 2048^3 products run
between the rounds of steps) is measured in the same process, window and
threads; efficiency = achieved GFLOP/s / that rate.
FLOPs are counted by ``sdfnet_mm.utils.flop_count.count_flops``:
``torch.utils.flop_counter`` (linear, conv, matmul) plus the CPU attention
kernel, which torch does not count (``4 B N^2 C`` per block forward, twice
that backward). A train step is
forward + backward + SGD update. The plain ViT is MMPretrain's
``VisionTransformer`` with the same BNNeck head and losses (CE + triplet on
the CLS token), i.e. SDF-Net without dual tokenizer, MIE, SSE, SCL and DFL.
"""
import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
DEMO_CONFIG = REPO / 'configs/demo/sdfnet_vit-tiny_synthetic.py'
PAPER_CONFIG = REPO / 'configs/sdfnet_vitb16_hoss.py'
#: The reference matmul: float32 ``MATMUL_SIZE`` squared, this many per
#: round of steps.
MATMUL_SIZE = 2048
MATMUL_REPEATS = 3


def matmul_seconds(a: torch.Tensor, b: torch.Tensor) -> float:
    """Seconds of one ``a @ b``."""
    start = time.perf_counter()
    a @ b
    return time.perf_counter() - start


def build_sdfnet(config: Path):
    """(SDFNet built from ``config`` with random weights, its backbone
    config)."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from sdfnet_mm.registry import MODELS
    init_default_scope('sdfnet_mm')
    cfg = Config.fromfile(config)
    cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model, cfg.model.backbone


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


def make_model(case: str):
    name, config = case.split(':')
    sdfnet, backbone_cfg = build_sdfnet(
        DEMO_CONFIG if config == 'demo' else PAPER_CONFIG)
    if name == 'plain':
        return PlainViTReID(sdfnet, backbone_cfg)
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
    """FLOPs of one step at ``batch``, counted at batch 2 and scaled."""
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


def prepare_case(case: str, mode: str, batch: int) -> dict:
    """Model, optimizer, batch and FLOPs of one case."""
    torch.manual_seed(0)
    model = make_model(case)
    flops = count_step_flops(model, mode, batch)
    model.train(mode == 'train')
    return dict(case=case, model=model, flops=flops,
                data=make_batch(batch, backbone_of(model).img_size),
                optimizer=torch.optim.SGD(model.parameters(), lr=1e-4,
                                          momentum=0.9))


def timed_step(prepared: dict, mode: str) -> float:
    """Seconds of one train step (forward, backward, SGD update) or one
    inference forward."""
    model, data = prepared['model'], prepared['data']
    start = time.perf_counter()
    if mode == 'train':
        prepared['optimizer'].zero_grad()
        losses = model.loss(*data)
        sum(v for k, v in losses.items() if 'loss' in k).backward()
        prepared['optimizer'].step()
    else:
        with torch.no_grad():
            model.features(data[0], data[2], data[3])
    return time.perf_counter() - start


def run_cases(cases: list, mode: str, batch: int, steps: int) -> list:
    """Time ``cases`` in this process, their steps interleaved (A B A B
    ...) and followed each round by ``MATMUL_REPEATS`` reference matmuls,
    so that a slow spell of the host hits all of them alike; one warm-up
    step each, then the best of ``steps`` (and the best matmul). Peak RSS
    is reported only for a single case (the process's peak is then its
    own)."""
    prepared = [prepare_case(case, mode, batch) for case in cases]
    a, b = torch.randn(MATMUL_SIZE, MATMUL_SIZE), torch.randn(
        MATMUL_SIZE, MATMUL_SIZE)
    matmul_seconds(a, b)
    for item in prepared:
        timed_step(item, mode)
    times = [[] for _ in prepared]
    matmul_times = []
    for _ in range(steps):
        for item, store in zip(prepared, times):
            store.append(timed_step(item, mode))
        matmul_times += [matmul_seconds(a, b) for _ in range(MATMUL_REPEATS)]
    rate = 2 * MATMUL_SIZE**3 / min(matmul_times) / 1e9
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = []
    for item, store in zip(prepared, times):
        seconds = min(store)
        rows.append(dict(case=item['case'], mode=mode, batch=batch,
                         seconds=seconds, images_per_s=batch / seconds,
                         gflops=item['flops'] / 1e9,
                         achieved=item['flops'] / seconds / 1e9,
                         matmul_gflops=rate,
                         peak_rss_mb=peak if len(cases) == 1 else None))
    return rows


def in_subprocess(cases: list, mode: str, batch: int, steps: int,
                  threads: int) -> list:
    out = subprocess.run([
        sys.executable, __file__, '--case', ','.join(cases), '--mode', mode,
        '--batch', str(batch), '--steps', str(steps), '--threads',
        str(threads)
    ], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--quick', action='store_true')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--case', help=argparse.SUPPRESS)
    parser.add_argument('--mode', default='train', help=argparse.SUPPRESS)
    parser.add_argument('--batch', type=int, default=32,
                        help=argparse.SUPPRESS)
    parser.add_argument('--steps', type=int, default=3,
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.case:  # a child process: its cases, one JSON line
        print(json.dumps(run_cases(args.case.split(','), args.mode,
                                   args.batch, args.steps)))
        return

    pair = ['sdfnet:vitb16', 'plain:vitb16']
    if args.quick:
        single, paired = [], ('train', 8, 8)
    else:
        single = [(['sdfnet:vitb16'], 'train', 32, 3),
                  (['plain:vitb16'], 'train', 32, 3),
                  (['sdfnet:vitb16'], 'inference', 32, 3),
                  (['plain:vitb16'], 'inference', 32, 3),
                  (['sdfnet:demo'], 'train', 32, 5),
                  (['plain:demo'], 'train', 32, 5),
                  (['sdfnet:demo'], 'inference', 32, 5)]
        paired = ('train', 32, 4)
    rows = [row for plan in single
            for row in in_subprocess(*plan, args.threads)]
    pair_rows = in_subprocess(pair, *paired, args.threads)
    print(f'float32 matmul rate ({MATMUL_SIZE}^3, {args.threads} threads, '
          'best in each process; eff. = GFLOP/s / that rate):')
    header = (f"{'case':<16}{'mode':<11}{'batch':>6}{'s/step':>9}"
              f"{'img/s':>8}{'GFLOP':>9}{'GFLOP/s':>9}{'eff.':>7}"
              f"{'peak RSS':>10}{'matmul':>10}")
    print(header)
    print('-' * len(header))
    for r in rows + pair_rows:
        peak = ('  paired' if r['peak_rss_mb'] is None else
                f"{r['peak_rss_mb']:>8.0f}MB")
        print(f"{r['case']:<16}{r['mode']:<11}{r['batch']:>6}"
              f"{r['seconds']:>9.2f}{r['images_per_s']:>8.1f}"
              f"{r['gflops']:>9.1f}{r['achieved']:>9.1f}"
              f"{r['achieved'] / r['matmul_gflops']:>7.2f}{peak:>10}"
              f"{r['matmul_gflops']:>10.1f}")
    sdf, plain = pair_rows
    print('paired: the two models in one process, steps interleaved; '
          's/step is the best step')
    print(f"efficiency: {sdf['achieved'] / sdf['matmul_gflops']:.2f}")
    print(f"overhead: {sdf['seconds'] / plain['seconds'] - 1:.2f}")


if __name__ == '__main__':
    main()
