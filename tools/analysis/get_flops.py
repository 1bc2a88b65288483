"""Parameters and FLOPs of a model with its modality and ship-size inputs.

    python tools/analysis/get_flops.py CONFIG [--shape 256 128]
        [--cfg-options KEY=VALUE ...]

As MMPretrain's ``get_flops.py``, for SDF-Net's three inputs: the FLOPs
of the test feature (``mode='tensor'``) of one chip, counted by
``torch.utils.flop_counter`` on an optical and a SAR chip at ``--shape``
(H W, or one number for a square; default: the backbone's ``img_size``)
with a ship-size vector, halved (the two tokenizers cost the same), plus
the CPU attention kernel (:mod:`sdfnet_mm.utils.flop_count`: matrix
products and convolutions, 2 FLOPs per multiply-add; softmax,
normalisation and element-wise operations not counted). Parameters are
every parameter of the model, the classifier (training only) included.
Weights are not loaded: neither count depends on them.
"""
import argparse
from typing import Dict, Optional, Sequence

import torch
from mmengine.config import DictAction
from mmpretrain.apis import get_model

from sdfnet_mm.apis import inference_config
from sdfnet_mm.structures import OPTICAL, SAR
from sdfnet_mm.utils import register_all_modules
from sdfnet_mm.utils.flop_count import count_flops

#: Top-level parts of SDFNet reported one by one.
PARTS = ('backbone', 'neck', 'head')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Parameters and FLOPs of a model')
    parser.add_argument('config', help='model config file')
    parser.add_argument('--shape', type=int, nargs='+',
                        help='input size: H W, or one number for a square '
                        "(default: the backbone's img_size)")
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings')
    args = parser.parse_args(argv)
    if args.shape is not None and (len(args.shape) not in (1, 2)
                                   or min(args.shape) < 1):
        parser.error(f'--shape {args.shape}: expected H W or one size, '
                     'positive')
    return args


def input_shape(model, shape: Optional[Sequence[int]]) -> tuple:
    """(H, W) of ``--shape`` or of the backbone's ``img_size``."""
    if shape is None:
        return tuple(model.backbone.img_size)
    return (shape[0], shape[-1])


def complexity(model, height: int, width: int) -> Dict[str, Dict[str, int]]:
    """``{'params': {part: n, 'total': n}, 'flops': {part: n, 'total': n}}``
    with the FLOPs of one chip's test feature."""
    images = torch.zeros(2, 3, height, width)
    modality = torch.tensor([OPTICAL, SAR])
    ship_size = torch.ones(2, 3)
    model.eval()
    with torch.no_grad():
        counts = count_flops(lambda: model(
            images, mode='tensor', modality=modality, ship_size=ship_size))
    root = type(model).__name__
    flops = {part: counts.get(f'{root}.{part}', 0) // 2 for part in PARTS}
    flops['total'] = counts['Global'] // 2
    params = {
        part: sum(p.numel() for p in getattr(model, part).parameters())
        for part in PARTS
    }
    params['total'] = sum(p.numel() for p in model.parameters())
    return dict(params=params, flops=flops)


def main(argv=None) -> dict:
    """Print the table; returns :func:`complexity`'s dict plus ``shape``."""
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    model = get_model(inference_config(args.config, args.cfg_options))
    height, width = input_shape(model, args.shape)
    result = complexity(model, height, width)
    print(f'Input: one chip (3, {height}, {width}) with its modality and '
          'ship size; FLOPs of the test feature (multiply-add = 2 FLOPs)')
    print(f"{'part':<10}{'params':>14}{'GFLOPs':>12}")
    for part in PARTS + ('total',):
        print(f"{part:<10}{result['params'][part]:>14,}"
              f"{result['flops'][part] / 1e9:>12.3f}")
    return dict(result, shape=(height, width))


if __name__ == '__main__':
    main()
