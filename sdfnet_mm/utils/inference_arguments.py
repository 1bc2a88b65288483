"""Command-line arguments shared by the tools that run a trained model on
chips (``tools/retrieve.py``, ``tools/extract_features.py``)."""
import argparse

from mmengine.config import DictAction

from sdfnet_mm.apis import ReIDInferencer, inference_config
from sdfnet_mm.structures import MODALITY_OF_NAME

#: ``--*modality`` values: the modality of chips without a HOSS name.
MODALITY_CHOICES = tuple(MODALITY_OF_NAME)


def add_inference_arguments(parser: argparse.ArgumentParser) -> None:
    """``config``, ``checkpoint``, ``--batch-size``, ``--device`` and
    ``--cfg-options``."""
    parser.add_argument('config', help='model config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings')


def build_inferencer(args: argparse.Namespace) -> ReIDInferencer:
    """The inferencer of ``args.config`` with ``args.checkpoint`` loaded."""
    return ReIDInferencer(inference_config(args.config, args.cfg_options),
                          args.checkpoint, args.device)
