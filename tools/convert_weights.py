"""Convert the authors' or timm's checkpoints for a sdfnet_mm config.

    python tools/convert_weights.py SRC DST --config CONFIG

SRC may be an authors' fine-tuned SDF-Net / TransOSS model (``base.*``,
``bottleneck_fuse.*``, ``classifier.*``), the authors' pre-trained TransOSS
backbone (``vit_b512_pre.pth``) or a timm ViT-B/16
(``vit_base_p16_224-4e355ebd.pth``). DST is an MMEngine checkpoint with the
model's key names: load a whole model with ``load_from=DST`` (or
``tools/test.py CONFIG DST``), a backbone with
``model.backbone.init_cfg=dict(type='Pretrained', checkpoint=DST,
prefix='backbone.')``. Every dropped, filled or missing key is printed.
"""
import argparse
import sys

import torch
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope

from sdfnet_mm.converters import convert_checkpoint, unwrap_state_dict
from sdfnet_mm.registry import MODELS
from sdfnet_mm.utils import register_all_modules


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='checkpoint to convert')
    parser.add_argument('dst', help='where to write the converted checkpoint')
    parser.add_argument('--config', required=True,
                        help='config of the model the weights are for')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings of the config')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'sdfnet_mm'))
    cfg.model.backbone.init_cfg = None  # the target's shapes only
    model = MODELS.build(cfg.model)
    target = {k: v.shape for k, v in model.state_dict().items()}
    try:
        source = unwrap_state_dict(
            torch.load(args.src, map_location='cpu', weights_only=True))
        state, report = convert_checkpoint(source, target,
                                           model.backbone.patch_resolution)
    except (OSError, RuntimeError, KeyError, ValueError) as err:
        print(f'error converting {args.src} for {args.config}: {err}',
              file=sys.stderr)
        return 1
    torch.save(dict(state_dict=state,
                    meta=dict(converted_from=args.src, config=args.config,
                              dropped=report.dropped, filled=report.filled,
                              missing=report.missing)), args.dst)
    print(report.summary())
    print(f'wrote {args.dst}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
