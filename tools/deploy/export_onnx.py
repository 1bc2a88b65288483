"""Export the feature extractor of a trained model to ONNX and check it.

    python tools/deploy/export_onnx.py CONFIG CHECKPOINT --out model.onnx
        [--batch 2] [--opset 17] [--tolerance 1e-4]
        [--cfg-options KEY=VALUE ...]

Graph inputs (dynamic batch axis ``batch``):

- ``images``: (B, 3, H, W) float32, normalised as by the model's data
  preprocessor (ImageNet mean/std on RGB 0-255); H, W = the backbone's
  ``img_size`` (e.g. 256, 128);
- ``modality``: (B,) int64, 0 optical, 1 SAR;
- ``ship_size``: (B, 3) float32, the ship-size vector
  (``sdfnet_mm.chips.ship_size_vector``); absent from the graph when the
  model has no ship-size token.

Output ``features``: (B, C) float32, the test features (``mode='tensor'``).

The ONNX model is run with onnxruntime on the random inputs used for export
(a mixed-modality batch of ``--batch``) and on a SAR-only batch of another
size; the largest absolute difference to PyTorch is printed, and the tool
exits non-zero when it exceeds ``--tolerance``.
"""
import argparse
import os.path as osp
import warnings
from typing import Dict

import numpy as np
import onnxruntime
import torch
import torch.nn as nn
from mmengine.config import DictAction
from mmengine.utils import mkdir_or_exist
from mmpretrain.apis import get_model

from sdfnet_mm.apis import inference_config
from sdfnet_mm.structures import OPTICAL, SAR

INPUT_NAMES = ('images', 'modality', 'ship_size')
OUTPUT_NAME = 'features'


class FeatureExtractor(nn.Module):
    """``model(images, mode='tensor', ...)`` with positional inputs."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, images: torch.Tensor, modality: torch.Tensor,
                ship_size: torch.Tensor) -> torch.Tensor:
        """(B, 3, H, W), (B,), (B, 3) -> (B, C)."""
        return self.model(images, mode='tensor', modality=modality,
                          ship_size=ship_size)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Export the ReID feature extractor to ONNX')
    parser.add_argument('config', help='model config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out', required=True, help='output .onnx file')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings')
    parser.add_argument('--batch', type=int, default=2,
                        help='batch size of the export inputs (>= 2: '
                        'optical and SAR samples alternate)')
    parser.add_argument('--opset', type=int, default=17,
                        help='ONNX opset version')
    parser.add_argument('--tolerance', type=float, default=1e-4,
                        help='largest accepted |ONNX - PyTorch| difference')
    args = parser.parse_args(argv)
    if args.batch < 2:
        parser.error(f'--batch {args.batch}; expected >= 2 (a batch of '
                     'both modalities)')
    return args


def random_inputs(batch: int, img_size, sar_only: bool = False,
                  seed: int = 0) -> Dict[str, torch.Tensor]:
    """Random normalised images, alternating (or SAR-only) modalities and
    random ship-size vectors."""
    generator = torch.Generator().manual_seed(seed)
    modality = torch.full((batch, ), SAR) if sar_only else \
        torch.tensor([(OPTICAL, SAR)[i % 2] for i in range(batch)])
    return dict(
        images=torch.randn(batch, 3, *img_size, generator=generator),
        modality=modality.long(),
        ship_size=torch.randn(batch, 3, generator=generator))


def max_difference(wrapper: nn.Module, session, inputs: dict) -> float:
    """Largest |ONNX - PyTorch| of the features of ``inputs``."""
    with torch.no_grad():
        expected = wrapper(*(inputs[name] for name in INPUT_NAMES)).numpy()
    feed = {arg.name: inputs[arg.name].numpy()
            for arg in session.get_inputs()}
    (actual, ) = session.run([OUTPUT_NAME], feed)
    if actual.shape != expected.shape:
        raise RuntimeError(f'ONNX features {actual.shape}, PyTorch '
                           f'{expected.shape}; expected the same shape')
    return float(np.abs(actual - expected).max())


def main(argv=None) -> None:
    args = parse_args(argv)
    model = get_model(inference_config(args.config, args.cfg_options),
                      args.checkpoint, device='cpu')
    wrapper = FeatureExtractor(model).eval()
    img_size = model.backbone.img_size
    inputs = random_inputs(args.batch, img_size)
    mkdir_or_exist(osp.dirname(osp.abspath(args.out)))
    with warnings.catch_warnings():
        # mmcv / mmpretrain compare shapes in Python; with the fixed input
        # size of the export those comparisons are constants.
        warnings.simplefilter('ignore', torch.jit.TracerWarning)
        torch.onnx.export(
            wrapper, tuple(inputs[name] for name in INPUT_NAMES), args.out,
            dynamo=False,
            input_names=list(INPUT_NAMES),
            output_names=[OUTPUT_NAME],
            dynamic_axes={name: {0: 'batch'}
                          for name in (*INPUT_NAMES, OUTPUT_NAME)},
            opset_version=args.opset)
    print(f'exported {args.out}')
    session = onnxruntime.InferenceSession(
        args.out, providers=['CPUExecutionProvider'])
    checks = {
        f'mixed batch of {args.batch}': inputs,
        f'SAR-only batch of {args.batch + 1}': random_inputs(
            args.batch + 1, img_size, sar_only=True, seed=1),
    }
    worst = 0.0
    for name, check_inputs in checks.items():
        difference = max_difference(wrapper, session, check_inputs)
        worst = max(worst, difference)
        print(f'max |ONNX - PyTorch| on the {name}: {difference:.3g}')
    if worst > args.tolerance:
        raise SystemExit(f'{args.out}: ONNX and PyTorch features differ by '
                         f'{worst:.3g} > tolerance {args.tolerance:g}')
    print(f'ONNX matches PyTorch within {args.tolerance:g}')


if __name__ == '__main__':
    main()
