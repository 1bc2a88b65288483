"""Build (or extend) a persistent gallery index of the chips under folders.

    python tools/build_index.py CONFIG CHECKPOINT DIR [DIR ...]
        --out INDEX_DIR [--append] [--save-every 1000]
        [--approx ivfpq|hnsw] [--nlist N --pq-m M --pq-nbits B --nprobe P
        --refine-factor R --train-size T | --hnsw-m M --ef-construction E
        --ef-search S] [--modality optical|sar] [--sensor optical=NAME
        sar=NAME] [--gsd optical=M sar=M] [--sar-scale amplitude|intensity|db]
        [--optical-bands R,G,B] [--batch-size 32] [--device cpu]
        [--precision auto|fp32|bf16|fp16] [--cfg-options KEY=VALUE ...]

Every chip under the folders (subfolders included; TIFF / GeoTIFF, PNG,
JPEG, see ``sdfnet_mm.chips``) is embedded with the model and added to the
index (``sdfnet_mm.retrieval.GalleryIndex``) with its metadata: path,
modality, ``--sensor`` of its modality, GSD as used and where it comes from
(GeoTIFF tags, HOSS, ``--gsd``), SAR scale and optical bands as read,
capture time from the TIFF DateTime tag, ship id from a HOSS name.

Resumable: the chips are added and the index saved in chunks of
``--save-every``; a killed build leaves the last saved index, and rerunning
the same command adds only the chips not yet in it. ``INDEX_DIR/build.json``
records the model (config, ``--cfg-options``, checkpoint, the precision
its features were computed in) and each run
(``sdfnet_mm.apis.build_log``): without
``--append`` an existing INDEX_DIR is refused unless it is an unfinished
build of the same model and arguments (which resumes); ``--append`` adds
the chips not yet in an existing index of the same model (refused for
another checkpoint or config). An unreadable chip stops the build with an
error naming the file; nothing of its chunk is added.

``--approx ivfpq`` trains the IVF-PQ lists on the first ``--train-size``
chips of each modality (default 39 per centroid), held in memory until
then; ``--approx hnsw`` needs no training.
"""
import argparse
import json
import os.path as osp
from pathlib import Path

from sdfnet_mm.apis.build_log import BuildLog, check_resume
from sdfnet_mm.apis.gallery_build import GalleryBuild, holds_index
from sdfnet_mm.chips import find_chips
from sdfnet_mm.retrieval import HNSWSpec, IVFPQSpec
from sdfnet_mm.retrieval.index_spec import check_spec, spec_to_dict
from sdfnet_mm.structures import parse_modality
from sdfnet_mm.utils import register_all_modules
from sdfnet_mm.utils.inference_arguments import (MODALITY_CHOICES,
                                                 add_inference_arguments,
                                                 build_inferencer,
                                                 chip_arguments)

#: ``--approx`` kind: (spec class, {option: spec field}).
APPROX = {
    'ivfpq': (IVFPQSpec, {'nlist': 'nlist', 'pq_m': 'm', 'pq_nbits': 'nbits',
                          'nprobe': 'nprobe',
                          'refine_factor': 'refine_factor'}),
    'hnsw': (HNSWSpec, {'hnsw_m': 'm', 'ef_construction': 'ef_construction',
                        'ef_search': 'ef_search'}),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Build or extend a gallery index of chip folders')
    add_inference_arguments(parser)
    parser.add_argument('folders', nargs='+', metavar='DIR',
                        help='folders of chips (subfolders included)')
    parser.add_argument('--out', required=True, help='the index folder')
    parser.add_argument('--append', action='store_true',
                        help='add the chips not yet in an existing index')
    parser.add_argument('--save-every', type=int, default=1000,
                        help='chips added between saves')
    parser.add_argument('--modality', choices=MODALITY_CHOICES,
                        help='modality of chips without a HOSS name')
    parser.add_argument('--sensor', nargs='+', default=[],
                        metavar='MODALITY=NAME',
                        help='sensor recorded for the chips of a modality')
    parser.add_argument('--approx', choices=tuple(APPROX),
                        help='approximate index (default: exact)')
    for options in APPROX.values():
        for option in options[1]:
            parser.add_argument(f'--{option.replace("_", "-")}', type=int)
    parser.add_argument('--train-size', type=int,
                        help='IVF-PQ training chips per modality')
    args = parser.parse_args(argv)
    if args.save_every < 1:
        parser.error(f'--save-every {args.save_every}; expected >= 1')
    for kind, (_, options) in APPROX.items():
        given = [o for o in options if getattr(args, o) is not None]
        if given and args.approx != kind:
            parser.error(f'--{given[0].replace("_", "-")} is an option of '
                         f'--approx {kind}')
    if args.train_size is not None and args.approx != 'ivfpq':
        parser.error('--train-size is an option of --approx ivfpq')
    if args.append and args.approx:
        parser.error('--approx with --append: the index kind is fixed when '
                     'the index is created')
    return args


def approx_spec(args: argparse.Namespace):
    """The index spec of ``--approx`` and its options (None: exact)."""
    if not args.approx:
        return None
    spec_class, options = APPROX[args.approx]
    return check_spec(
        spec_class(**{field: getattr(args, option)
                      for option, field in options.items()
                      if getattr(args, option) is not None}),
        f'--approx {args.approx}')


def sensors(items) -> dict:
    """``['sar=Sentinel-1']`` -> ``{1: 'Sentinel-1'}``."""
    names = {}
    for item in items:
        modality, sep, name = item.partition('=')
        if not sep or not name:
            raise ValueError(f'--sensor {item!r}: expected MODALITY=NAME, '
                             'e.g. sar=Sentinel-1')
        names[parse_modality(modality, f'--sensor {item!r}')] = name
    return names


def as_json(value):
    """``value`` as it reads back from JSON (tuples become lists)."""
    return json.loads(json.dumps(value))


def build(args: argparse.Namespace) -> None:
    """Create, resume or extend the index of ``args`` (module docstring)."""
    spec = approx_spec(args)
    sensor = sensors(args.sensor)
    out = Path(args.out)
    arguments = as_json(dict(
        folders=[osp.abspath(folder) for folder in args.folders],
        modality=args.modality, gsd=args.gsd, sar_scale=args.sar_scale,
        optical_bands=args.optical_bands, sensor=args.sensor,
        approx=spec and spec_to_dict(spec), train_size=args.train_size))
    paths = find_chips(args.folders)
    inferencer = build_inferencer(args)
    model = as_json(dict(config=osp.abspath(args.config),
                         cfg_options=args.cfg_options,
                         checkpoint=osp.abspath(args.checkpoint),
                         precision=inferencer.precision.name))
    log = check_resume(out, BuildLog.read(out), model, arguments,
                       args.append, holds_index(out))
    builder = GalleryBuild(inferencer, out, spec, args.train_size, sensor)
    log.write(out)
    todo = builder.missing(paths)
    print(f'{len(paths)} chips under {", ".join(args.folders)}: '
          f'{len(paths) - len(todo)} already in {out}, {len(todo)} to add')
    try:
        builder.add(todo, args.save_every, args.batch_size,
                    modality=args.modality, **chip_arguments(args))
    except ValueError as error:
        saved = len(builder.index) if builder.index is not None else 0
        raise SystemExit(
            f'build_index: {error}\n{out} holds the {saved} chips saved '
            'before this chunk; fix or remove the file, then rerun the '
            'same command to resume') from None
    log.runs[-1].finished = True
    log.write(out)
    index = builder.index
    print(f'{out}: {len(index)} chips ({index.count("optical")} optical, '
          f'{index.count("sar")} SAR), {index.spec.kind} index')


def main(argv=None) -> None:
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    try:
        build(args)
    except (ValueError, FileExistsError, FileNotFoundError,
            RuntimeError) as error:
        raise SystemExit(f'build_index: {error}') from None


if __name__ == '__main__':
    main()
