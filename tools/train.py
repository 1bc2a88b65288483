"""Train a sdfnet_mm model with MMEngine's Runner.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]]
        [--amp | --precision {auto,fp32,bf16,fp16}]
        [--cfg-options KEY=VALUE ...] [--launcher {none,pytorch,slurm,mpi}]

Several processes: ``bash tools/dist_train.sh CONFIG NPROC [args]`` (torchrun;
gloo on CPU, NCCL on GPU).
"""
import argparse

from mmengine.config import Config
from mmengine.runner import Runner

from sdfnet_mm.utils import register_all_modules
from sdfnet_mm.utils.launch import (add_precision_arguments,
                                    add_runner_arguments,
                                    apply_runner_arguments, setup_precision)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a ReID model')
    parser.add_argument('config', help='train config file path')
    add_runner_arguments(parser)
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from CKPT, or from the latest checkpoint in the work '
        'dir when no CKPT is given')
    add_precision_arguments(parser, amp=True)
    parser.add_argument('--no-validate', action='store_true',
                        help='skip validation during training')
    return parser.parse_args(argv)


def merge_args(cfg: Config, args) -> Config:
    """Apply the command line to the config (OpenMMLab conventions)."""
    apply_runner_arguments(cfg, args, args.config)
    setup_precision(cfg, args.precision, amp=args.amp)
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    return cfg


def main(argv=None) -> None:
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    cfg = merge_args(Config.fromfile(args.config), args)
    runner = Runner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    main()
