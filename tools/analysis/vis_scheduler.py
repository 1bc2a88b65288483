"""Plot the learning rate of each parameter category over a whole schedule.

    python tools/analysis/vis_scheduler.py CONFIG --out lr.png
        [--dump lr.json] [--dataset-size N] [--cfg-options KEY=VALUE ...]

The config's model (weights not initialised, nothing is read), optimizer
wrapper and parameter schedulers are built with MMEngine's Runner and the
schedulers stepped as in training over ``train_cfg.max_epochs`` epochs,
without data or training (``sdfnet_mm.utils.schedule_trace``). An epoch has
``len(train dataloader)`` iterations, from the config's dataset and sampler
in one process, or ``N // batch_size`` with ``--dataset-size N`` (needed
when the data is absent). Param groups whose lr, weight decay and momentum
agree at every iteration form one category (e.g. weights at the base lr,
biases at 2x). The figure has one curve per category over the iterations
(epochs on the top axis); the PNG is ``FIGSIZE * DPI`` pixels. ``--dump``
writes every category's values at every iteration as JSON.
"""
import argparse
import json
import os.path as osp
from typing import List, Optional

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.runner import Runner  # noqa: E402
from mmengine.utils import mkdir_or_exist  # noqa: E402

from sdfnet_mm.utils import register_all_modules  # noqa: E402
from sdfnet_mm.utils.config_options import check_config_options  # noqa
from sdfnet_mm.utils.schedule_trace import (ScheduleTrace,  # noqa: E402
                                            trace_schedule)

FIGSIZE = (10, 5)  # inches
DPI = 100


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Learning rate per parameter category over a schedule')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--out', required=True, help='output .png file')
    parser.add_argument('--dump', help='also write the values as .json')
    parser.add_argument(
        '--dataset-size', type=int,
        help='training images; an epoch is N // batch_size iterations '
        'instead of the length of the config\'s train dataloader')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. '
                        'train_dataloader.dataset.data_root=DIR')
    args = parser.parse_args(argv)
    if args.dataset_size is not None and args.dataset_size < 1:
        parser.error(f'--dataset-size {args.dataset_size}; expected >= 1')
    return args


def iters_per_epoch(cfg: Config, dataset_size: Optional[int],
                    config_path: str) -> int:
    """Iterations of an epoch: from ``dataset_size`` or the config's data."""
    batch_size = cfg.train_dataloader.batch_size
    if dataset_size is not None:
        count = dataset_size // batch_size
        if count < 1:
            raise ValueError(f'--dataset-size {dataset_size} is smaller '
                             f'than one batch ({batch_size})')
        return count
    loader = dict(cfg.train_dataloader, num_workers=0,
                  persistent_workers=False)
    try:
        return len(Runner.build_dataloader(loader, seed=0))
    except FileNotFoundError as error:
        raise FileNotFoundError(
            f'{error}\nThe epoch length of {config_path} comes from its '
            'training data; point train_dataloader.dataset.data_root at it '
            '(--cfg-options) or give --dataset-size N') from error


def categories(trace: ScheduleTrace) -> List[dict]:
    """Param groups with equal values at every iteration, in group order:
    name (``biases``, ``weights`` for every other tensor, or ``mixed``),
    lr multiplier, parameter names and the values."""
    found: List[dict] = []
    for group, names in enumerate(trace.names):
        values = (trace.lr[:, group], trace.weight_decay[:, group],
                  trace.momentum[:, group])
        for category in found:
            if all(np.array_equal(a, b)
                   for a, b in zip(values, category['values'])):
                category['params'].extend(names)
                break
        else:
            found.append(dict(values=values, params=list(names),
                              lr_mult=trace.initial_lr[group] /
                              trace.base_lr))
    for category in found:
        lr, weight_decay, momentum = category.pop('values')
        biases = sum(name.endswith('bias') for name in category['params'])
        kind = ('biases' if biases == len(category['params']) else
                'weights' if biases == 0 else 'mixed')
        category.update(
            name=kind, lr=lr.tolist(), weight_decay=weight_decay.tolist(),
            momentum=momentum.tolist())
    return found


def plot(found: List[dict], trace: ScheduleTrace, title: str,
         out: str) -> None:
    """One lr curve per category; epochs on the top axis."""
    figure, axis = plt.subplots(figsize=FIGSIZE, dpi=DPI)
    steps = np.arange(trace.lr.shape[0])
    for category in found:
        axis.plot(steps, category['lr'], label=(
            f"{category['name']} ({len(category['params'])} tensors, "
            f"wd {category['weight_decay'][0]:g}, "
            f"momentum {category['momentum'][0]:g})"))
    epochs = axis.secondary_xaxis(
        'top', functions=(lambda x: x / trace.iters_per_epoch,
                          lambda e: e * trace.iters_per_epoch))
    epochs.set_xlabel('epoch')
    axis.set(xlabel='iteration', ylabel='learning rate', title=title)
    axis.grid(alpha=0.3)
    axis.legend(fontsize='small')
    figure.tight_layout()
    mkdir_or_exist(osp.dirname(osp.abspath(out)))
    figure.savefig(out, dpi=DPI)
    plt.close(figure)


def main(argv=None) -> List[dict]:
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        check_config_options(cfg, args.cfg_options, args.config)
        cfg.merge_from_dict(args.cfg_options)
    count = iters_per_epoch(cfg, args.dataset_size, args.config)
    trace = trace_schedule(cfg, count)
    found = categories(trace)
    print(f'{args.config}: {trace.lr.shape[0]} iterations '
          f'({count} per epoch); not optimised: '
          f"{', '.join(trace.left_out) or 'none'}")
    for category in found:
        lr = category['lr']
        print(f"  {category['name']}: {len(category['params'])} tensors, "
              f"lr x{category['lr_mult']:g}, first {lr[0]:.4g}, peak "
              f"{max(lr):.4g}, last {lr[-1]:.4g}")
    plot(found, trace, osp.basename(args.config), args.out)
    print(f'lr curves written to {args.out}')
    if args.dump:
        mkdir_or_exist(osp.dirname(osp.abspath(args.dump)))
        with open(args.dump, 'w') as file:
            json.dump(dict(config=args.config, iters_per_epoch=count,
                           base_lr=trace.base_lr, left_out=trace.left_out,
                           categories=found), file)
        print(f'values written to {args.dump}')
    return found


if __name__ == '__main__':
    main()
