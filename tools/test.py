"""Evaluate a sdfnet_mm checkpoint: mAP / CMC / mINP for All, O->S, S->O.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out FILE]
        [--tta] [--precision {auto,fp32,bf16,fp16}]
        [--cfg-options KEY=VALUE ...] [--launcher ...]

``--out`` writes per-query results (query file, AP, rank of the first true
match, top-k gallery files) of every setting as JSON, for
``tools/analysis/``. Several processes: ``bash tools/dist_test.sh``.
"""
import argparse
import os.path as osp

from mmengine.config import Config, ConfigDict
from mmengine.dist import is_main_process
from mmengine.runner import Runner

from sdfnet_mm.evaluation import format_results_table
from sdfnet_mm.utils import register_all_modules
from sdfnet_mm.utils.launch import (add_precision_arguments,
                                    add_runner_arguments,
                                    apply_runner_arguments, setup_precision)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Evaluate a ReID model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    add_runner_arguments(parser)
    parser.add_argument('--out', help='per-query results (.json)')
    parser.add_argument('--topk', type=int, default=10,
                        help='gallery files per query in --out')
    parser.add_argument('--tta', action='store_true',
                        help='average the features of the image and its '
                        'horizontal flip (tta_model / tta_pipeline)')
    add_precision_arguments(parser)
    return parser.parse_args(argv)


def merge_args(cfg: Config, args) -> Config:
    apply_runner_arguments(cfg, args, args.config)
    setup_precision(cfg, args.precision)
    if args.tta:
        if 'tta_model' not in cfg or 'tta_pipeline' not in cfg:
            raise KeyError(f'--tta: {args.config} defines no tta_model / '
                           'tta_pipeline')
        # to_dict(): the type by import path; unpacking the lazy ConfigDict
        # would put the class itself in, which the config dump cannot print.
        cfg.model = ConfigDict(**cfg.tta_model.to_dict(), module=cfg.model)
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
    if args.out:
        cfg.test_evaluator.update(per_query_out=args.out, topk=args.topk)
    return cfg


def load_runner(cfg: Config, checkpoint: str, config_path: str) -> Runner:
    """The Runner of ``cfg`` with ``checkpoint`` loaded strictly."""
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'checkpoint {checkpoint} not found; '
                                'expected a .pth file written by '
                                'tools/train.py or tools/convert_weights.py')
    runner = Runner.from_cfg(cfg)
    # Strict: evaluating a checkpoint of another architecture (missing,
    # unexpected or mis-shaped weights) must fail, not test random weights.
    try:
        runner.load_checkpoint(checkpoint, strict=True)
    except RuntimeError as err:
        raise RuntimeError(f'checkpoint {checkpoint} does not fit the '
                           f'model of {config_path}: {err}') from err
    return runner


def main(argv=None) -> dict:
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    cfg = merge_args(Config.fromfile(args.config), args)
    metrics = load_runner(cfg, args.checkpoint, args.config).test()
    if is_main_process():
        print(format_results_table(metrics))
    return metrics


if __name__ == '__main__':
    main()
