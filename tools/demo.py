"""The CPU demo behind ``make demo``: synthetic data, chance level, training,
evaluation and ranked lists, with the project's own tools.

    python tools/demo.py [--config configs/demo/sdfnet_vit-tiny_synthetic.py]
        [--data-root data/synthetic_hoss] [--work-dir work_dirs/demo]

1. ``tools/make_synthetic_hoss.py`` when ``--data-root`` has no data yet;
2. ``tools/test.py`` on the model as initialised (the chance level; the
   pre-trained backbone before fine-tuning when the config's backbone
   starts from a checkpoint, e.g.
   ``configs/demo/sdfnet_vit-tiny_synthetic_pretrained.py``);
3. ``tools/train.py`` (MMEngine's Runner, progress in its log);
4. ``tools/test.py --out`` on the final checkpoint;
5. ``ranked_lists.png``: two optical and two SAR queries with their top-8
   gallery chips (green frame: same ship, red: another).
Ends with both tables (keys ``all_mAP``, ``o2s_mAP``, ... as rows and
columns) and the time of each step.
"""
import argparse
import json
import os.path as osp
import subprocess
import sys
import time
from pathlib import Path
from typing import List

import numpy as np
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import save_checkpoint, set_random_seed

from sdfnet_mm.evaluation import format_results_table
from sdfnet_mm.registry import MODELS
from sdfnet_mm.structures import OPTICAL, SAR, PerQueryResult, PerQueryResults
from sdfnet_mm.utils import register_all_modules
from sdfnet_mm.visualization import draw_query_result, save_picture

REPO = Path(__file__).resolve().parents[1]
SPLITS = ('bounding_box_train', 'query', 'bounding_box_test')
QUERIES_PER_MODALITY = 2
TOPK = 8


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config',
                        default='configs/demo/sdfnet_vit-tiny_synthetic.py')
    parser.add_argument('--data-root', default='data/synthetic_hoss')
    parser.add_argument('--work-dir', default='work_dirs/demo')
    return parser.parse_args(argv)


def run(step: str, *args) -> None:
    """Run one of the tools in this Python; stop the demo if it fails."""
    print(f'\n=== {step}: {" ".join(map(str, args))}', flush=True)
    subprocess.run([sys.executable, *map(str, args)], cwd=REPO, check=True)


def untrained_checkpoint(config: str, path: str) -> None:
    """The config's model as initialised with the training seed, saved as a
    checkpoint that tools/test.py loads."""
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'sdfnet_mm'))
    set_random_seed(cfg.randomness.seed)
    model = MODELS.build(cfg.model)
    model.init_weights()
    save_checkpoint({'state_dict': model.state_dict()}, path)


def last_checkpoint(work_dir: str) -> str:
    with open(osp.join(work_dir, 'last_checkpoint')) as file:
        return file.read().strip()


def logged_test_metrics(work_dir: str) -> dict:
    """The metrics tools/test.py logged: the Runner's
    ``<timestamp>/<timestamp>.json`` of the newest run in ``work_dir``."""
    runs = sorted(Path(work_dir).glob('*/[0-9]*_[0-9]*.json'))
    if not runs:
        raise FileNotFoundError(f'{work_dir}: no test results')
    return json.loads(runs[-1].read_text().splitlines()[-1])


def ranked_lists_picture(result_file: str, path: str) -> None:
    """Stack the ranked lists of the first queries of each modality."""
    entries = PerQueryResults.load(result_file).settings['all']
    chosen: List[PerQueryResult] = []
    for modality in (OPTICAL, SAR):
        chosen += [e for e in entries
                   if e.query_modality == modality][:QUERIES_PER_MODALITY]
    rows = [draw_query_result(entry, TOPK) for entry in chosen]
    width = max(row.shape[1] for row in rows)
    padded = [np.pad(row, ((0, 0), (0, width - row.shape[1]), (0, 0)),
                     constant_values=255) for row in rows]
    save_picture(np.concatenate(padded), path)


def main(argv=None) -> None:
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    start = time.perf_counter()
    timings = []

    def done(step: str) -> None:
        timings.append((step, time.perf_counter() - start - sum(
            seconds for _, seconds in timings)))

    data = ['--cfg-options'] + [
        f'{loader}.dataset.data_root={args.data_root}'
        for loader in ('train_dataloader', 'val_dataloader',
                       'test_dataloader')
    ]
    if not all(osp.isdir(osp.join(args.data_root, s)) for s in SPLITS):
        run('synthetic data', 'tools/make_synthetic_hoss.py', '--out',
            args.data_root)
    done('data')

    untrained = osp.join(args.work_dir, 'untrained.pth')
    untrained_checkpoint(args.config, untrained)
    run('chance level (untrained model)', 'tools/test.py', args.config,
        untrained, '--work-dir', osp.join(args.work_dir, 'untrained'),
        *data)
    done('untrained evaluation')

    run('training', 'tools/train.py', args.config, '--work-dir',
        args.work_dir, *data)
    done('training')

    checkpoint = last_checkpoint(args.work_dir)
    result_file = osp.join(args.work_dir, 'per_query.json')
    run('trained model', 'tools/test.py', args.config, checkpoint,
        '--work-dir', osp.join(args.work_dir, 'trained'), '--out',
        result_file, *data)
    done('trained evaluation')

    picture = osp.join(args.work_dir, 'ranked_lists.png')
    ranked_lists_picture(result_file, picture)
    done('picture')
    print()
    pretrained = Config.fromfile(args.config).model.backbone.get('init_cfg')
    print(format_results_table(
        logged_test_metrics(osp.join(args.work_dir, 'untrained')),
        title=('initial model (pre-trained backbone, before fine-tuning)'
               if pretrained else 'untrained (chance level)') +
        ', synthetic test split'))
    print()
    print(format_results_table(
        logged_test_metrics(osp.join(args.work_dir, 'trained')),
        title=f'trained ({checkpoint})'))
    print(f'\nranked lists of {2 * QUERIES_PER_MODALITY} queries: {picture}')
    print('time: ' + ', '.join(f'{step} {seconds:.0f} s'
                               for step, seconds in timings) +
          f'; total {time.perf_counter() - start:.0f} s')


if __name__ == '__main__':
    main()
