"""Rank a gallery of chips for each query chip with a trained model.

    python tools/retrieve.py CONFIG CHECKPOINT --query IMG_OR_DIR
        --gallery DIR [--topk 10] [--out DIR] [--batch-size 32]
        [--query-modality optical|sar] [--gallery-modality optical|sar]
        [--gsd optical=M sar=M] [--sar-scale amplitude|intensity|db]
        [--optical-bands R,G,B] [--device cpu] [--cfg-options KEY=VALUE ...]

Chips are HOSS chips or chips of other sensors (TIFF / GeoTIFF, PNG, JPEG;
see ``sdfnet_mm.chips``). The modality of a chip comes from its HOSS file
name (``PPPP_sXXcY_{RGB|SAR}.tif``), or, for other names, from
``--query-modality`` / ``--gallery-modality``. ``--gsd``, ``--sar-scale``
and ``--optical-bands`` describe chips that are not HOSS chips (ground
sample distance where no GeoTIFF tag gives it, SAR scale, RGB bands).

Prints, for each query, its top-k gallery files with their cosine distances
(L2-normalised features) and, with ``--out``, writes ``OUT/<query
name>.png``: the query and its top-k chips (frames: green same id, red
other id, none when unknown).
"""
import argparse
import os.path as osp

from mmengine.utils import ProgressBar

from sdfnet_mm.utils import register_all_modules
from sdfnet_mm.utils.inference_arguments import (MODALITY_CHOICES,
                                                 add_inference_arguments,
                                                 build_inferencer,
                                                 chip_arguments)
from sdfnet_mm.visualization import Chip, draw_ranked_list, save_ranked_list


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Rank a gallery for query chips')
    add_inference_arguments(parser)
    parser.add_argument('--query', required=True,
                        help='a query chip or a folder of chips')
    parser.add_argument('--gallery', required=True,
                        help='a folder of gallery chips')
    parser.add_argument('--topk', type=int, default=10,
                        help='gallery chips listed per query')
    parser.add_argument('--out', help='folder for one picture per query')
    parser.add_argument('--query-modality', choices=MODALITY_CHOICES,
                        help='modality of queries without a HOSS name')
    parser.add_argument('--gallery-modality', choices=MODALITY_CHOICES,
                        help='modality of gallery chips without a HOSS name')
    return parser.parse_args(argv)


def chips(results: dict, args: argparse.Namespace) -> list:
    """One :class:`Chip` per inferencer result (unknown ids as None), read
    with the chip options of ``args``."""
    return [
        Chip(path, int(modality), int(identity) if known else None,
             args.sar_scale, args.optical_bands)
        for path, modality, identity, known in zip(
            results['paths'], results['modalities'], results['ids'],
            results['id_known'])
    ]


def main(argv=None) -> None:
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    inferencer = build_inferencer(args)
    query = inferencer(args.query, batch_size=args.batch_size,
                       modality=args.query_modality, **chip_arguments(args))
    gallery = inferencer(args.gallery, batch_size=args.batch_size,
                         modality=args.gallery_modality,
                         **chip_arguments(args))
    index, distance = inferencer.rank(query['features'],
                                      gallery['features'], args.topk)
    query_chips, gallery_chips = chips(query, args), chips(gallery, args)
    for chip, row, dist in zip(query_chips, index, distance):
        print(f'query {chip.path}')
        for rank, (item, value) in enumerate(zip(row, dist), start=1):
            print(f'  {rank:3d}  {value:.4f}  {gallery_chips[item].path}')
    if args.out:
        progress = ProgressBar(len(query_chips))
        for chip, row, dist in zip(query_chips, index, distance):
            picture = draw_ranked_list(chip, [gallery_chips[i] for i in row],
                                       dist)
            name = osp.splitext(osp.basename(chip.path))[0]
            save_ranked_list(picture, osp.join(args.out, f'{name}.png'))
            progress.update()
        print(f'\npictures written to {args.out}')


if __name__ == '__main__':
    main()
