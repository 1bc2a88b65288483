"""Training curves and training time from MMEngine's ``scalars.json``.

    python tools/analysis/analyze_logs.py plot_curve RUN [RUN ...]
        [--keys loss loss_struct all_mAP] [--legend NAME ...] [--title T]
        [--out curves.png]
    python tools/analysis/analyze_logs.py cal_train_time RUN [RUN ...]
        [--include-outliers]

As MMPretrain's ``analyze_logs.py``, on this project's runs. A RUN is a
work dir (every ``<timestamp>/vis_data/scalars.json`` in it, in time
order; a resumed run's rows replace the interrupted run's from the step it
resumed at) or one ``scalars.json`` file. Several runs are overlaid, e.g.
the seeds of a multi-seed study
(``work_dirs/multi_seed/<config>/seed_*``); their legend names are the
parts of their paths that differ.

``plot_curve`` draws one panel per key, one curve per run. A key is a
logged name or its last part (``all_mAP`` for ``reid/all_mAP``); training
keys (rows with ``lr``) are plotted per iteration, validation keys per
epoch (per iteration for iteration-based training). ``--legend`` names
the runs (one name per run, unlike MMPretrain's one per run and key: the
keys have their own panels).

``cal_train_time`` prints, per run, the average logged iteration time and
the slowest and fastest epoch (mean of the logged ``time`` rows of each
epoch, without its first row unless ``--include-outliers``), from the
times MMEngine logs (each row: the mean over the log processor's window).
"""
import argparse
import os
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Sequence, Tuple

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from mmengine.utils import mkdir_or_exist  # noqa: E402
from mmpretrain.utils import load_json_log  # noqa: E402

#: Row fields that are positions, not logged values.
POSITION_KEYS = ('step', 'epoch', 'iter')
#: Size of one panel in inches, and the resolution.
PANEL_SIZE = (5, 3.5)
DPI = 100


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Analyze training logs')
    tasks = parser.add_subparsers(dest='task', required=True)
    plot = tasks.add_parser('plot_curve', help='plot logged values')
    plot.add_argument('runs', nargs='+',
                      help='work dirs or scalars.json files')
    plot.add_argument('--keys', nargs='+', default=['loss'],
                      help='logged keys, e.g. loss loss_struct all_mAP')
    plot.add_argument('--legend', nargs='+', help='one name per run')
    plot.add_argument('--title', help='title of the figure')
    plot.add_argument('--out', default='curves.png', help='output .png')
    timing = tasks.add_parser('cal_train_time',
                              help='average iteration time per run')
    timing.add_argument('runs', nargs='+',
                        help='work dirs or scalars.json files')
    timing.add_argument('--include-outliers', action='store_true',
                        help="keep each epoch's first logged time")
    args = parser.parse_args(argv)
    if getattr(args, 'legend', None) and len(args.legend) != len(args.runs):
        parser.error(f'{len(args.legend)} --legend names for '
                     f'{len(args.runs)} runs; expected one per run')
    return args


def scalar_files(run: str) -> List[str]:
    """The ``scalars.json`` files of a run, oldest first."""
    if osp.isfile(run):
        return [run]
    if not osp.isdir(run):
        raise FileNotFoundError(f'{run}: no such work dir or scalars.json')
    files = sorted(
        osp.join(run, name, 'vis_data', 'scalars.json')
        for name in os.listdir(run)
        if osp.isfile(osp.join(run, name, 'vis_data', 'scalars.json')))
    if not files:
        raise FileNotFoundError(f'{run}: no <timestamp>/vis_data/scalars.json'
                                '; expected the work dir of a training run')
    return files


def load_run(run: str) -> Dict[str, List[dict]]:
    """``{'train': rows, 'val': rows}`` of a run, ordered by step; a later
    file's rows replace the earlier ones from its first step on."""
    merged = dict(train=[], val=[])
    for path in scalar_files(run):
        try:
            rows = load_json_log(path)
        except ValueError as err:
            raise ValueError(f'{path}: not a scalars.json of JSON lines '
                             f'({err})') from err
        for mode, new in rows.items():
            if new:
                merged[mode] = [row for row in merged[mode]
                                if row['step'] < new[0]['step']] + new
    if not merged['train'] and not merged['val']:
        raise ValueError(f'{run}: the scalars.json files have no rows')
    return merged


def run_labels(runs: Sequence[str]) -> List[str]:
    """The parts of the run paths that differ (the name of a single run)."""
    paths = [osp.abspath(run) for run in runs]
    if len(paths) == 1:
        return [osp.basename(paths[0].rstrip(os.sep))]
    common = osp.commonpath(paths)
    return [osp.relpath(path, common) if path != common else
            osp.basename(path) for path in paths]


def resolve_key(key: str, log: Dict[str, List[dict]],
                run: str) -> Tuple[str, str]:
    """(mode, logged key) of ``key``: the logged key itself, or the one
    whose last ``/`` part it is."""
    logged = {mode: {k for row in rows for k in row} - set(POSITION_KEYS)
              for mode, rows in log.items()}
    for mode, keys in logged.items():
        if key in keys:
            return mode, key
    found = [(mode, k) for mode, keys in logged.items() for k in sorted(keys)
             if k.split('/')[-1] == key]
    if len(found) == 1:
        return found[0]
    everything = sorted(set.union(*logged.values()))
    if found:
        raise KeyError(f'{run}: key {key!r} is ambiguous: '
                       f'{[k for _, k in found]}; give the full name')
    raise KeyError(f'{run}: no logged key {key!r}; logged keys: '
                   f'{everything}')


def curve(log: Dict[str, List[dict]], mode: str,
          key: str) -> Tuple[np.ndarray, np.ndarray]:
    """(steps, values) of a logged key."""
    rows = [row for row in log[mode] if key in row]
    return (np.array([row['step'] for row in rows]),
            np.array([row[key] for row in rows], dtype=np.float64))


def plot_curve(args) -> dict:
    """Write the figure. Returns ``titles`` (one per panel), ``xlabels``,
    ``legends`` (per panel, the legend texts) and ``curves``
    (``{(run label, key): (steps, values)}``)."""
    labels = args.legend or run_labels(args.runs)
    logs = [load_run(run) for run in args.runs]
    figure, axes = plt.subplots(
        1, len(args.keys), squeeze=False, dpi=DPI,
        figsize=(PANEL_SIZE[0] * len(args.keys), PANEL_SIZE[1]))
    curves, titles, xlabels, legends = {}, [], [], []
    for axis, key in zip(axes[0], args.keys):
        names = set()
        for run, label, log in zip(args.runs, labels, logs):
            mode, name = resolve_key(key, log, run)
            names.add(name)
            steps, values = curve(log, mode, name)
            curves[(label, key)] = (steps, values)
            axis.plot(steps, values, label=label, linewidth=1,
                      marker='.' if len(steps) < 30 else None)
            by_epoch = bool(log['train']) and 'epoch' in log['train'][0]
            xlabel = 'epoch' if mode == 'val' and by_epoch else 'iteration'
        titles.append(' / '.join(sorted(names)))
        xlabels.append(xlabel)
        axis.set(title=titles[-1], xlabel=xlabel)
        axis.grid(alpha=0.3)
        axis.legend(fontsize='small')
        legends.append([text.get_text()
                        for text in axis.get_legend().get_texts()])
    if args.title:
        figure.suptitle(args.title)
    figure.tight_layout()
    mkdir_or_exist(osp.dirname(osp.abspath(args.out)))
    figure.savefig(args.out, dpi=DPI)
    plt.close(figure)
    print(f'curves of {", ".join(args.keys)} for {len(args.runs)} run(s) '
          f'written to {args.out}')
    return dict(titles=titles, xlabels=xlabels, legends=legends,
                curves=curves)


def train_time(log: Dict[str, List[dict]], include_outliers: bool) -> dict:
    """``average`` s/iter over the logged rows; ``epochs`` {epoch: mean
    s/iter}, each without its first row unless ``include_outliers``."""
    rows = [row for row in log['train'] if 'time' in row]
    if not rows:
        raise ValueError('no training rows with a logged time')
    per_epoch = defaultdict(list)
    for row in rows:
        per_epoch[row.get('epoch', 1)].append(row['time'])
    epochs = {
        epoch: float(np.mean(times if include_outliers or len(times) == 1
                             else times[1:]))
        for epoch, times in sorted(per_epoch.items())
    }
    return dict(average=float(np.mean([row['time'] for row in rows])),
                epochs=epochs)


def cal_train_time(args) -> dict:
    """Print and return {run: :func:`train_time`}."""
    results = {}
    for run in args.runs:
        timing = train_time(load_run(run), args.include_outliers)
        epochs = timing['epochs']
        slowest = max(epochs, key=epochs.get)
        fastest = min(epochs, key=epochs.get)
        print(f'-----Analyze train time of {run}-----')
        print(f'slowest epoch {slowest}, average time is '
              f'{epochs[slowest]:.4f} s/iter')
        print(f'fastest epoch {fastest}, average time is '
              f'{epochs[fastest]:.4f} s/iter')
        print('time std over epochs is '
              f'{np.std(list(epochs.values())):.4f}')
        print(f'average iter time: {timing["average"]:.4f} s/iter')
        results[run] = dict(timing, slowest=slowest, fastest=fastest)
    return results


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.task == 'plot_curve':
        return plot_curve(args)
    return cal_train_time(args)


if __name__ == '__main__':
    main()
