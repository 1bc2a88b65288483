"""Train-step and inference speed of SDF-Net against the plain ViT on CPU.

    python benchmarks/bench_train.py            # ViT-B/16 batch 32 + demo model
    python benchmarks/bench_train.py --quick    # ViT-B/16 batch 8, < 90 s

Each case runs in its own process (so its peak RSS is its own) on random
inputs at the model's input size (ViT-B/16: 256x128, demo: 256x64). The machine's single-precision matrix-multiply rate is
measured in the same run; efficiency = achieved GFLOP/s / that rate.
FLOPs are counted by ``torch.utils.flop_counter`` (linear, conv, matmul)
plus the attention products, which it does not count on the CPU
(``4 B N^2 C`` per block forward, twice that backward). A train step is
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


def matmul_gflops(size: int = 2048, repeats: int = 5) -> float:
    """Best float32 ``size x size`` matmul rate in GFLOP/s."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    best = float('inf')
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def build_sdfnet(config: Path):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from sdfnet_mm.registry import MODELS
    init_default_scope('sdfnet_mm')
    cfg = Config.fromfile(config)
    cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model


class PlainViTReID(torch.nn.Module):
    """MMPretrain's VisionTransformer + the same BNNeck head and losses."""

    def __init__(self, sdfnet) -> None:
        super().__init__()
        from mmpretrain.models.backbones import VisionTransformer
        backbone = sdfnet.backbone
        self.backbone = VisionTransformer(
            arch=backbone.arch_settings, img_size=backbone.img_size,
            patch_size=16, out_type='cls_token',
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
    sdfnet = build_sdfnet(DEMO_CONFIG if config == 'demo' else PAPER_CONFIG)
    return PlainViTReID(sdfnet) if name == 'plain' else SDFNetStep(sdfnet)


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


def attention_flops(model, batch: int, train: bool) -> int:
    backbone = backbone_of(model)
    tokens = backbone.pos_embed.shape[1] + int(
        getattr(backbone, 'ship_size_embed', None) is not None)
    forward = 4 * batch * tokens**2 * backbone.embed_dims * \
        backbone.num_layers
    return 3 * forward if train else forward


def count_flops(model, mode: str, batch: int) -> int:
    """FLOPs of one step at ``batch``, counted at batch 2 and scaled."""
    from torch.utils.flop_counter import FlopCounterMode
    data = make_batch(2, backbone_of(model).img_size)
    with FlopCounterMode(display=False) as counter:
        if mode == 'train':
            losses = model.loss(*data)
            sum(v for k, v in losses.items() if 'loss' in k).backward()
        else:
            with torch.no_grad():
                model.features(data[0], data[2], data[3])
    model.zero_grad()
    counted = counter.get_total_flops() + attention_flops(
        model, 2, mode == 'train')
    return counted * batch // 2


def run_case(case: str, mode: str, batch: int, steps: int) -> dict:
    torch.manual_seed(0)
    model = make_model(case)
    flops = count_flops(model, mode, batch)
    data = make_batch(batch, backbone_of(model).img_size)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9)
    model.train(mode == 'train')
    times = []
    for step in range(steps + 1):  # the first step warms up
        start = time.perf_counter()
        if mode == 'train':
            optimizer.zero_grad()
            losses = model.loss(*data)
            sum(v for k, v in losses.items() if 'loss' in k).backward()
            optimizer.step()
        else:
            with torch.no_grad():
                model.features(data[0], data[2], data[3])
        if step:
            times.append(time.perf_counter() - start)
    seconds = sorted(times)[len(times) // 2]
    return dict(case=case, mode=mode, batch=batch, seconds=seconds,
                images_per_s=batch / seconds, gflops=flops / 1e9,
                achieved=flops / seconds / 1e9,
                peak_rss_mb=resource.getrusage(
                    resource.RUSAGE_SELF).ru_maxrss / 1024)


def in_subprocess(case: str, mode: str, batch: int, steps: int,
                  threads: int) -> dict:
    out = subprocess.run([
        sys.executable, __file__, '--case', case, '--mode', mode, '--batch',
        str(batch), '--steps', str(steps), '--threads', str(threads)
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
    if args.case:  # a child process: one case, one JSON line
        print(json.dumps(run_case(args.case, args.mode, args.batch,
                                  args.steps)))
        return

    rate = matmul_gflops()
    if args.quick:
        plan = [('sdfnet:vitb16', 'train', 8, 2),
                ('plain:vitb16', 'train', 8, 2)]
    else:
        plan = [('sdfnet:vitb16', 'train', 32, 3),
                ('plain:vitb16', 'train', 32, 3),
                ('sdfnet:vitb16', 'inference', 32, 3),
                ('plain:vitb16', 'inference', 32, 3),
                ('sdfnet:demo', 'train', 32, 5),
                ('plain:demo', 'train', 32, 5),
                ('sdfnet:demo', 'inference', 32, 5)]
    rows = [in_subprocess(*case, args.threads) for case in plan]
    print(f'matmul rate (float32, {args.threads} threads): {rate:.1f} '
          'GFLOP/s')
    header = (f"{'case':<16}{'mode':<11}{'batch':>6}{'s/step':>9}"
              f"{'img/s':>8}{'GFLOP':>9}{'GFLOP/s':>9}{'eff.':>7}"
              f"{'peak RSS':>10}")
    print(header)
    print('-' * len(header))
    for r in rows:
        print(f"{r['case']:<16}{r['mode']:<11}{r['batch']:>6}"
              f"{r['seconds']:>9.2f}{r['images_per_s']:>8.1f}"
              f"{r['gflops']:>9.1f}{r['achieved']:>9.1f}"
              f"{r['achieved'] / rate:>7.2f}{r['peak_rss_mb']:>8.0f}MB")
    first = {(r['case'], r['mode']): r for r in rows}
    sdf, plain = first[('sdfnet:vitb16', 'train')], first[('plain:vitb16',
                                                          'train')]
    print(f"efficiency: {sdf['achieved'] / rate:.2f}")
    print(f"overhead: {sdf['seconds'] / plain['seconds'] - 1:.2f}")


if __name__ == '__main__':
    main()
