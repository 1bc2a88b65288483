"""Chips as the model sees them: after each stage of the config's pipeline.

    python tools/visualization/browse_dataset.py CONFIG [--split train|test]
        [--num 6] [--sar-to-rgb max,percentile,log] [--out browse.png]
        [--seed 0] [--rescale-factor 1.0] [--cfg-options KEY=VALUE ...]

As MMPretrain's ``browse_dataset.py --mode pipeline``, for HOSS chips and
into one picture: one row per chip (``--num`` chips of the split: an
optical and a SAR chip of each ship in id order, so both modalities of a
ship sit one above the other), one column per SAR conversion
(``LoadHOSSImage(sar_to_rgb=...)`` with its default percentile, empty for
optical chips) and then one column per stage of the split's pipeline
(``train_dataloader`` / ``test_dataloader`` of the config, built from the
registry as the dataset builds it): the loaded chip, then the image after
each transform that has one (resize, flip, crop, erasing, ...; the packing
step is left out: it only transposes). Tiles are shown at the height of
the pipeline's output (the model input): the stages from the resize on at
their own pixels, the loaded chips and the conversions scaled to it
(column titles: the images' size when they share one, else ``chip size``,
given in the row label); ``--rescale-factor`` scales every tile (as
MMPretrain's option; for a smaller picture). ``--seed`` fixes the random
augmentations.
"""
import argparse
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Tuple

import numpy as np
from mmengine.config import DictAction
from mmengine.dataset import Compose
from mmengine.runner import set_random_seed

from sdfnet_mm.apis import inference_config
from sdfnet_mm.chips import SAR_TO_UINT8
from sdfnet_mm.datasets import LoadHOSSImage
from sdfnet_mm.registry import DATASETS, TRANSFORMS
from sdfnet_mm.structures import MODALITY_NAMES, OPTICAL, SAR
from sdfnet_mm.utils import register_all_modules
from sdfnet_mm.visualization import (TileGrid, draw_tile_grid, save_picture,
                                     scale_to_height)


def sar_methods(text: str) -> List[str]:
    """``'max,log'`` -> ``['max', 'log']``, each a known conversion."""
    methods = [m.strip() for m in text.split(',') if m.strip()]
    unknown = [m for m in methods if m not in SAR_TO_UINT8]
    if unknown or not methods:
        raise argparse.ArgumentTypeError(
            f'{text!r}: expected a comma-separated list of SAR conversions '
            f'from {sorted(SAR_TO_UINT8)}')
    return methods


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Browse the chips after each pipeline stage')
    parser.add_argument('config', help='config file')
    parser.add_argument('--split', choices=('train', 'test'), default='train',
                        help='dataloader (and pipeline) of the config')
    parser.add_argument('--num', type=int, default=6,
                        help='chips shown (optical and SAR of each ship)')
    parser.add_argument('--sar-to-rgb', type=sar_methods,
                        default=list(SAR_TO_UINT8),
                        help='SAR conversions shown side by side')
    parser.add_argument('--out', default='browse_dataset.png',
                        help='output .png file')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the random augmentations')
    parser.add_argument('--rescale-factor', type=float, default=1.0,
                        help='tile height over the model input height')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings')
    args = parser.parse_args(argv)
    if args.num < 1:
        parser.error(f'--num {args.num}; expected >= 1')
    if args.rescale_factor <= 0:
        parser.error(f'--rescale-factor {args.rescale_factor}; expected > 0')
    return args


def pick_chips(data_list: List[dict], num: int) -> List[dict]:
    """``num`` data infos: an optical and a SAR chip of each ship in id
    order (ships with both modalities first, distractors last)."""
    by_ship: Dict[int, Dict[int, dict]] = defaultdict(dict)
    for info in data_list:
        by_ship[info['identity']].setdefault(info['modality'], info)
    ships = sorted(by_ship, key=lambda i: (len(by_ship[i]) < 2, i < 0, i))
    chosen = [by_ship[ship][m] for ship in ships for m in (OPTICAL, SAR)
              if m in by_ship[ship]]
    return chosen[:num]


def pipeline_stages(pipeline: Compose,
                    info: dict) -> Tuple[List[Tuple[str, np.ndarray]], dict]:
    """Run ``pipeline`` on a copy of ``info``.

    Returns:
        tuple: ``(name, image)`` after each transform whose output has an
        ``img``, and the final (packed) result.
    """
    results = dict(info)
    stages = []
    for transform in pipeline.transforms:
        results = transform(results)
        if results is None:
            raise ValueError(f'{info["img_path"]}: {transform!r} dropped the '
                             'sample')
        if 'img' in results:
            stages.append((type(transform).__name__, results['img'].copy()))
    return stages, results


def size_text(image: np.ndarray) -> str:
    return f'{image.shape[1]}x{image.shape[0]} px'


def column_titles(names: List[str],
                  columns: List[List[np.ndarray]]) -> List[str]:
    """Each column's name over its images' size when they all share it,
    else over ``chip size`` (each row's label gives it)."""
    titles = []
    for name, images in zip(names, columns):
        sizes = {size_text(image) for image in images if image is not None}
        titles.append(f'{name}\n' +
                      (sizes.pop() if len(sizes) == 1 else 'chip size'))
    return titles


def browse(dataset, pipeline: Compose, methods: List[str], num: int,
           rescale_factor: float = 1.0) -> dict:
    """Tiles, titles and labels of the chosen chips (see the module
    docstring), and each chip's packed model input; tiles are
    ``rescale_factor`` times the model input's height."""
    chips = pick_chips([dataset.get_data_info(i)
                        for i in range(len(dataset))], num)
    originals, labels, packed, names = [], [], [], None
    for info in chips:
        stages, results = pipeline_stages(pipeline, info)
        if not stages:
            raise ValueError('the pipeline gives no image stage; expected '
                             'LoadHOSSImage first')
        stage_names = [f'SAR {method}' for method in methods] + \
            [name for name, _ in stages]
        if names is None:
            names = stage_names
        elif names != stage_names:
            raise ValueError(f'{info["img_path"]}: pipeline stages '
                             f'{stage_names} differ from the first chip\'s '
                             f'{names}')
        originals.append([
            LoadHOSSImage(sar_to_rgb=method)(dict(info))['img']
            if info['modality'] == SAR else None for method in methods
        ] + [image for _, image in stages])
        labels.append(f'{osp.splitext(osp.basename(info["img_path"]))[0]}\n'
                      f'{MODALITY_NAMES[info["modality"]]}\n'
                      f'{size_text(stages[0][1])}')
        packed.append(results['inputs'])
    height = round(originals[0][-1].shape[0] * rescale_factor)
    tiles = [[image if image is None or image.shape[0] == height else
              scale_to_height(image, height) for image in row]
             for row in originals]
    return dict(tiles=tiles, titles=column_titles(names, list(zip(
        *originals))), labels=labels, packed=packed,
        paths=[info['img_path'] for info in chips])


def main(argv=None) -> dict:
    """Write the picture; returns :func:`browse`'s dict plus ``grid``
    (:class:`TileGrid`)."""
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    cfg = inference_config(args.config, args.cfg_options)
    dataset_cfg = cfg[f'{args.split}_dataloader']['dataset']
    dataset = DATASETS.build(dict(dataset_cfg, pipeline=[]))
    if len(dataset) == 0:
        raise ValueError(f'{dataset_cfg.get("data_root")}: the {args.split} '
                         'split has no chips')
    pipeline = Compose([TRANSFORMS.build(t) for t in dataset_cfg['pipeline']])
    set_random_seed(args.seed)
    shown = browse(dataset, pipeline, args.sar_to_rgb, args.num,
                   args.rescale_factor)
    grid: TileGrid = draw_tile_grid(shown['tiles'], shown['titles'],
                                    shown['labels'])
    save_picture(grid.picture, args.out)
    print(f'{len(shown["tiles"])} chips x {len(shown["titles"])} columns '
          f'({", ".join(t.split(chr(10))[0] for t in shown["titles"])}) '
          f'written to {args.out}')
    return dict(shown, grid=grid)


if __name__ == '__main__':
    main()
