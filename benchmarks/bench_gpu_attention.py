"""GPU train step: bfloat16 + fused attention against the authors' setting.

    python benchmarks/bench_gpu_attention.py [--batch 32] [--steps 20]
    python benchmarks/bench_gpu_attention.py --device cpu --config \
        configs/demo/sdfnet_vit-tiny_synthetic.py --batch 8 --steps 2
        # (only checks that the script runs)

Both cases train the paper's SDF-Net ViT-B/16 (``configs/sdfnet_vitb16_hoss
.py``, random weights) on random 256x128 inputs, 2 + 2 images per identity,
SGD, same batch, in this process:

- ``reference``: attention as the authors' code computes it, explicit
  ``softmax(Q K^T / sqrt(d)) V`` (MMPretrain's
  ``scaled_dot_product_attention_pyimpl``), under float16 autocast with a
  gradient scaler (their AMP setting);
- ``fused``: ``torch.nn.functional.scaled_dot_product_attention`` (flash /
  memory-efficient kernels; MMPretrain's default) under bfloat16 autocast
  (no scaler needed).

Prints a table (ms/step, images/s, peak CUDA memory) with the device name
and ends with ``speedup: X.XX`` (reference time / fused time).
"""
import argparse
import time
from pathlib import Path

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.models.utils import attention as mmpretrain_attention
from mmpretrain.structures import DataSample

from sdfnet_mm.registry import MODELS

REPO = Path(__file__).resolve().parents[1]
CASES = {
    'reference': (mmpretrain_attention.scaled_dot_product_attention_pyimpl,
                  torch.float16),
    'fused': (torch.nn.functional.scaled_dot_product_attention,
              torch.bfloat16),
}


def build_model(config: str, attention, device: str):
    cfg = Config.fromfile(config)
    cfg.model.backbone.init_cfg = None
    init_default_scope('sdfnet_mm')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).to(device)
    for module in model.modules():
        if isinstance(module, mmpretrain_attention.MultiheadAttention):
            module.scaled_dot_product_attention = attention
    return model.train()


def make_batch(batch: int, img_size, device: str):
    images = torch.randn(batch, 3, *img_size, device=device)
    labels = torch.arange(batch) // 4
    samples = [DataSample().set_gt_label(int(label)) for label in labels]
    modality = ((torch.arange(batch) // 2) % 2).to(device)
    ship_size = torch.randn(batch, 3, device=device)
    return images, samples, modality, ship_size


def time_case(name: str, args) -> dict:
    attention, dtype = CASES[name]
    model = build_model(args.config, attention, args.device)
    data = make_batch(args.batch, model.backbone.img_size, args.device)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9)
    scaler = torch.amp.GradScaler(args.device,
                                  enabled=dtype == torch.float16)
    cuda = args.device.startswith('cuda')
    if cuda:
        torch.cuda.reset_peak_memory_stats()

    def step():
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast(args.device, dtype=dtype):
            losses = model.loss(*data)
            loss, _ = model.parse_losses(losses)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()

    for _ in range(args.warmup):
        step()
    if cuda:
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    if cuda:
        torch.cuda.synchronize()
    seconds = (time.perf_counter() - start) / args.steps
    return dict(case=name, ms=seconds * 1e3, images_per_s=args.batch / seconds,
                peak_gb=torch.cuda.max_memory_allocated() / 2**30
                if cuda else float('nan'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config',
                        default=str(REPO / 'configs/sdfnet_vitb16_hoss.py'))
    parser.add_argument('--device', default='cuda')
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=3)
    args = parser.parse_args()
    if args.device.startswith('cuda') and not torch.cuda.is_available():
        raise SystemExit('no CUDA device: this benchmark is for a GPU '
                         '(--device cpu only checks that it runs)')
    torch.backends.cuda.matmul.allow_tf32 = True
    rows = [time_case(name, args) for name in CASES]
    device = (torch.cuda.get_device_name() if args.device.startswith('cuda')
              else 'CPU')
    print(f'{device}, {Path(args.config).name}, batch {args.batch}, '
          f'{args.steps} steps')
    print(f"{'case':<11}{'attention':<37}{'autocast':<10}{'ms/step':>9}"
          f"{'img/s':>9}{'peak GB':>9}")
    for row in rows:
        attention, dtype = CASES[row['case']]
        print(f"{row['case']:<11}{attention.__name__:<37}"
              f"{str(dtype).split('.')[-1]:<10}{row['ms']:>9.1f}"
              f"{row['images_per_s']:>9.1f}{row['peak_gb']:>9.2f}")
    print(f"speedup: {rows[0]['ms'] / rows[1]['ms']:.2f}")


if __name__ == '__main__':
    main()
