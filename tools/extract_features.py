"""Extract the retrieval features of a folder of chips into a ``.npz`` file.

    python tools/extract_features.py CONFIG CHECKPOINT DIR --out feats.npz
        [--modality optical|sar] [--gsd optical=M sar=M]
        [--sar-scale amplitude|intensity|db] [--optical-bands R,G,B]
        [--batch-size 32] [--device cpu] [--cfg-options KEY=VALUE ...]

Chips are HOSS chips or chips of other sensors (TIFF / GeoTIFF, PNG, JPEG;
see ``sdfnet_mm.chips``). The modality of a chip comes from its HOSS file
name (``PPPP_sXXcY_{RGB|SAR}.tif``), or, for other names, from
``--modality``; ``--gsd``, ``--sar-scale`` and ``--optical-bands`` describe
chips that are not HOSS chips.

Keys of the ``.npz`` file (N chips of DIR in sorted order, C channels):

- ``features``: (N, C) float32, the model's test features (not normalised;
  rank with cosine distance, as the evaluation does);
- ``paths``: (N,) str, the chip files;
- ``ids``: (N,) int64, ship ids from the file names, -1 for distractors
  and for names that give none;
- ``id_known``: (N,) bool, whether the file name gave the id;
- ``modalities``: (N,) int64, 0 optical, 1 SAR.
"""
import argparse
import os.path as osp

import numpy as np
from mmengine.utils import mkdir_or_exist

from sdfnet_mm.utils import register_all_modules
from sdfnet_mm.utils.inference_arguments import (MODALITY_CHOICES,
                                                 add_inference_arguments,
                                                 build_inferencer,
                                                 chip_arguments)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Extract ReID features of a folder of chips')
    add_inference_arguments(parser)
    parser.add_argument('folder', help='folder of chips')
    parser.add_argument('--out', required=True, help='output .npz file')
    parser.add_argument('--modality', choices=MODALITY_CHOICES,
                        help='modality of chips without a HOSS name')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    if not args.out.endswith('.npz'):
        raise ValueError(f'--out {args.out}: expected a .npz file name')
    if not osp.isdir(args.folder):
        raise FileNotFoundError(f'{args.folder}: not a folder; expected a '
                                'folder of chips')
    register_all_modules(init_default_scope=False)
    inferencer = build_inferencer(args)
    results = inferencer(args.folder, batch_size=args.batch_size,
                         modality=args.modality, **chip_arguments(args))
    mkdir_or_exist(osp.dirname(osp.abspath(args.out)))
    np.savez(args.out, features=results['features'],
             paths=np.array(results['paths']), ids=results['ids'],
             id_known=results['id_known'],
             modalities=results['modalities'])
    print(f'{len(results["paths"])} features of {results["features"].shape[1]}'
          f' channels written to {args.out}')


if __name__ == '__main__':
    main()
