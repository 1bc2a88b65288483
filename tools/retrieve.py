"""Rank a gallery of chips for each query chip with a trained model.

    python tools/retrieve.py CONFIG CHECKPOINT --query IMG_OR_DIR
        (--gallery DIR | --index INDEX_DIR) [--topk 10] [--out DIR]
        [--batch-size 32]
        [--query-modality optical|sar] [--gallery-modality optical|sar]
        [--gsd optical=M sar=M] [--sar-scale amplitude|intensity|db]
        [--optical-bands R,G,B] [--device cpu] [--cfg-options KEY=VALUE ...]

Chips are HOSS chips or chips of other sensors (TIFF / GeoTIFF, PNG, JPEG;
see ``sdfnet_mm.chips``). The modality of a chip comes from its HOSS file
name (``PPPP_sXXcY_{RGB|SAR}.tif``), or, for other names, from
``--query-modality`` / ``--gallery-modality``. ``--gsd``, ``--sar-scale``
and ``--optical-bands`` describe chips that are not HOSS chips (ground
sample distance where no GeoTIFF tag gives it, SAR scale, RGB bands).

``--index`` ranks the chips of a gallery index (``tools/build_index.py``,
built with the same config and checkpoint) instead of extracting the
features of a gallery folder: all its chips, as a folder would be ranked;
``tools/search.py`` searches an index by modality and shows its metadata.

Prints, for each query, its top-k gallery files with their cosine distances
(L2-normalised features) and, with ``--out``, writes ``OUT/<query
name>.png``: the query and its top-k chips (frames: green same id, red
other id, none when unknown).
"""
import argparse

from sdfnet_mm.utils import register_all_modules
from sdfnet_mm.utils.inference_arguments import (MODALITY_CHOICES,
                                                 add_inference_arguments,
                                                 build_inferencer,
                                                 chip_arguments)
from sdfnet_mm.visualization import (record_chip, result_chips,
                                     write_ranked_lists)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Rank a gallery for query chips')
    add_inference_arguments(parser)
    parser.add_argument('--query', required=True,
                        help='a query chip or a folder of chips')
    gallery = parser.add_mutually_exclusive_group(required=True)
    gallery.add_argument('--gallery', help='a folder of gallery chips')
    gallery.add_argument('--index', help='a gallery index folder '
                         '(tools/build_index.py) of this model')
    parser.add_argument('--topk', type=int, default=10,
                        help='gallery chips listed per query')
    parser.add_argument('--out', help='folder for one picture per query')
    parser.add_argument('--query-modality', choices=MODALITY_CHOICES,
                        help='modality of queries without a HOSS name')
    parser.add_argument('--gallery-modality', choices=MODALITY_CHOICES,
                        help='modality of gallery chips without a HOSS name')
    args = parser.parse_args(argv)
    if args.index and args.gallery_modality:
        parser.error('--gallery-modality is for a --gallery folder; an index '
                     'records the modality of its chips')
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    inferencer = build_inferencer(args)
    query_options = dict(modality=args.query_modality, **chip_arguments(args))
    if args.index:
        query, hits = inferencer.search_index(
            args.query, args.index, args.topk, gallery_modality='any',
            batch_size=args.batch_size, **query_options)
        galleries = [[record_chip(hit.chip) for hit in row] for row in hits]
        distances = [[hit.distance for hit in row] for row in hits]
    else:
        query = inferencer(args.query, batch_size=args.batch_size,
                           **query_options)
        gallery = inferencer(args.gallery, batch_size=args.batch_size,
                             modality=args.gallery_modality,
                             **chip_arguments(args))
        index, distances = inferencer.rank(query['features'],
                                           gallery['features'], args.topk)
        gallery_chips = result_chips(gallery, args.sar_scale,
                                     args.optical_bands)
        galleries = [[gallery_chips[i] for i in row] for row in index]
    query_chips = result_chips(query, args.sar_scale, args.optical_bands)
    for chip, row, dist in zip(query_chips, galleries, distances):
        print(f'query {chip.path}')
        for rank, (item, value) in enumerate(zip(row, dist), start=1):
            print(f'  {rank:3d}  {value:.4f}  {item.path}')
    if args.out:
        write_ranked_lists(args.out, query_chips, galleries, distances)


if __name__ == '__main__':
    main()
