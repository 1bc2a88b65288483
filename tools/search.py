"""Search a gallery index for query chips.

    python tools/search.py INDEX_DIR QUERY [QUERY ...] [--topk 10]
        [--modality other|optical|sar|any] [--out DIR]
        [--config CONFIG --checkpoint CHECKPOINT] [--cfg-options ...]
        [--query-modality optical|sar] [--gsd optical=M sar=M]
        [--sar-scale amplitude|intensity|db] [--optical-bands R,G,B]
        [--batch-size 32] [--device cpu] [--precision auto|fp32|bf16|fp16]

QUERY: chip files or folders of chips (subfolders included). The model is
the one ``INDEX_DIR/build.json`` records (``tools/build_index.py``: config,
``--cfg-options``, checkpoint, precision; for an index made with the
library, the config and checkpoint files its fingerprint names), or
``--config`` / ``--checkpoint`` / ``--cfg-options`` / ``--precision`` where
given; its fingerprint (checkpoint and config hashes) must be the index's,
else the search is refused. ``--modality``: the gallery chips searched;
``other`` (default) searches the other modality of each query (SAR chips for an optical query). The chip options describe
the queries; gallery chips are shown as they were indexed.

Prints, per query, its ranked hits (rank, distance ``1 - cos``, path,
modality, ship id) and, with ``--out``, writes ``OUT/<query name>.png``:
the query and its hits (frames: green same ship id, red another, none when
unknown).
"""
import argparse
import os.path as osp
from pathlib import Path

from sdfnet_mm.apis.build_log import BuildLog
from sdfnet_mm.chips import find_chips
from sdfnet_mm.retrieval.index_manifest import IndexManifest
from sdfnet_mm.structures import MODALITY_NAMES
from sdfnet_mm.utils import register_all_modules
from sdfnet_mm.utils.inference_arguments import (MODALITY_CHOICES,
                                                 add_inference_arguments,
                                                 build_inferencer,
                                                 chip_arguments)
from sdfnet_mm.visualization import (record_chip, result_chips,
                                     write_ranked_lists)

GALLERY_MODALITIES = ('other', 'optical', 'sar', 'any')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Search a gallery index')
    parser.add_argument('index', metavar='INDEX_DIR', help='the index folder')
    parser.add_argument('queries', nargs='+', metavar='QUERY',
                        help='query chips or folders of chips')
    add_inference_arguments(
        parser, model_help='default: the one the index records')
    parser.add_argument('--topk', type=int, default=10,
                        help='hits per query')
    parser.add_argument('--modality', choices=GALLERY_MODALITIES,
                        default='other', help='gallery chips searched')
    parser.add_argument('--query-modality', choices=MODALITY_CHOICES,
                        help='modality of queries without a HOSS name')
    parser.add_argument('--out', help='folder for one picture per query')
    return parser.parse_args(argv)


def recorded_model(args: argparse.Namespace) -> None:
    """Fill in the model arguments not given: from the index's build log,
    else from its manifest's fingerprint (config and checkpoint files,
    where they exist).

    Raises:
        FileNotFoundError: when INDEX_DIR is not a gallery index.
        ValueError: naming the index when a model argument is neither given
            nor recorded.
    """
    log = BuildLog.read(args.index)
    if log is not None:
        recorded = log.model
    else:
        fingerprint = IndexManifest.read(Path(args.index)).fingerprint
        recorded = {key: path for key, path in (
            ('config', fingerprint.config),
            ('checkpoint', fingerprint.checkpoint)) if osp.isfile(path)}
    for key in ('config', 'checkpoint', 'cfg_options', 'precision'):
        if getattr(args, key) is None:
            setattr(args, key, recorded.get(key))
    if args.config is None or args.checkpoint is None:
        raise ValueError(
            f'{args.index}: neither a build log nor the fingerprint names '
            'the config and checkpoint files of this index; give --config '
            'and --checkpoint')


def query_paths(queries) -> list:
    """Chip files as given, folders as the chips under them."""
    return [
        path for query in queries
        for path in (find_chips([query]) if osp.isdir(query) else [query])
    ]


def search(args: argparse.Namespace) -> None:
    recorded_model(args)
    inferencer = build_inferencer(args)
    queries, hits = inferencer.search_index(
        query_paths(args.queries), args.index, args.topk, args.modality,
        batch_size=args.batch_size, modality=args.query_modality,
        **chip_arguments(args))
    query_chips = result_chips(queries, args.sar_scale, args.optical_bands)
    for chip, row in zip(query_chips, hits):
        ship = '?' if chip.identity is None else chip.identity
        print(f'query {chip.path} ({MODALITY_NAMES[chip.modality]}, '
              f'ship {ship})')
        print('  rank  distance  modality  ship  path')
        for rank, hit in enumerate(row, start=1):
            ship = '?' if hit.chip.ship_id is None else hit.chip.ship_id
            print(f'  {rank:4d}  {hit.distance:8.4f}  '
                  f'{MODALITY_NAMES[hit.chip.modality]:>8}  {ship:>4}  '
                  f'{hit.chip.path}')
    if args.out:
        write_ranked_lists(args.out, query_chips,
                           [[record_chip(hit.chip) for hit in row]
                            for row in hits],
                           [[hit.distance for hit in row] for row in hits])


def main(argv=None) -> None:
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    try:
        search(args)
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        raise SystemExit(f'search: {error}') from None


if __name__ == '__main__':
    main()
