"""Command-line arguments shared by the tools that run a trained model on
chips (``tools/retrieve.py``, ``tools/extract_features.py``,
``tools/build_index.py``, ``tools/search.py``)."""
import argparse
from typing import Callable

from mmengine.config import DictAction

from sdfnet_mm.apis import ReIDInferencer, inference_config
from sdfnet_mm.chips import (SAR_SCALES, GroundSampleDistance,
                             parse_optical_bands)
from sdfnet_mm.engine.precision import PRECISIONS
from sdfnet_mm.structures import MODALITY_OF_NAME

#: ``--*modality`` values: the modality of chips without a HOSS name.
MODALITY_CHOICES = tuple(MODALITY_OF_NAME)


def _argument_type(parse: Callable, name: str) -> Callable:
    """``parse`` with its ``ValueError`` message shown by argparse."""

    def checked(text: str):
        try:
            parse(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
        return text

    checked.__name__ = name
    return checked


def add_inference_arguments(parser: argparse.ArgumentParser,
                            model_help: str = '') -> None:
    """``config``, ``checkpoint``, ``--batch-size``, ``--device``,
    ``--precision``, ``--cfg-options`` and the chip options ``--gsd``,
    ``--sar-scale``, ``--optical-bands`` (for chips that are not HOSS
    chips; see :mod:`sdfnet_mm.chips`). With ``model_help`` the model is
    optional: ``--config`` and ``--checkpoint``, whose default
    ``model_help`` says."""
    if model_help:
        parser.add_argument('--config',
                            help=f'model config file ({model_help})')
        parser.add_argument('--checkpoint',
                            help=f'checkpoint file ({model_help})')
    else:
        parser.add_argument('config', help='model config file')
        parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument(
        '--precision', choices=PRECISIONS,
        help="autocast of the forward; default: the config's precision "
        '(auto: bfloat16 on a CPU with native bfloat16, else float32; '
        'float16 on a GPU for configs with AmpOptimWrapper)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings')
    parser.add_argument(
        '--gsd', nargs='+', default=[], metavar='MODALITY=METRES',
        type=_argument_type(lambda item: GroundSampleDistance.parse([item]),
                            'gsd'),
        help='ground sample distance (metres per pixel) by modality, e.g. '
        'optical=0.5 sar=3.0, for chips that are neither HOSS chips nor '
        'GeoTIFFs with a pixel scale in metres')
    parser.add_argument(
        '--sar-scale', choices=SAR_SCALES,
        help='scale of SAR chips that are not HOSS chips (default: dB '
        'detected from negative values, else an error)')
    parser.add_argument(
        '--optical-bands', metavar='R,G,B',
        type=_argument_type(parse_optical_bands, 'optical-bands'),
        help='0-based R,G,B bands of multi-band optical chips that are not '
        'HOSS chips, e.g. 2,1,0 for B,G,R,NIR')


def chip_arguments(args: argparse.Namespace) -> dict:
    """The inferencer's chip keyword arguments from ``args``."""
    return dict(
        gsd=args.gsd,
        sar_scale=args.sar_scale,
        optical_bands=args.optical_bands)


def build_inferencer(args: argparse.Namespace) -> ReIDInferencer:
    """The inferencer of ``args.config`` with ``args.checkpoint`` loaded, in
    ``args.precision`` where the tool has ``--precision`` (else the
    config's)."""
    return ReIDInferencer(
        inference_config(args.config, args.cfg_options), args.checkpoint,
        args.device, getattr(args, 'precision', None))
