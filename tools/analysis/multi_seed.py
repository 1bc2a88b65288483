"""Train and test configs with several seeds; mean ± std and paired
differences with bootstrap intervals.

    python tools/analysis/multi_seed.py VARIANT [VARIANT ...] [--seeds 0 1 2]
        [--work-dir work_dirs/multi_seed] [--cfg-options KEY=VALUE ...]
        [--checkpoint last|best] [--bootstrap 10000] [--bootstrap-seed 0]
        [--summarize-only] [--record DIR]

    VARIANT = '[LABEL=]CONFIG [--amp] [--tta] [--seeds S ...]
               [--cfg-options KEY=VALUE ...]'    (quoted when it has spaces)

Each variant is a config file with its own label (default: the file name
without ``.py``) and, optionally, its own options: ``--amp`` (training in
mixed precision, as ``tools/train.py --amp``), ``--tta`` (flip test-time
augmentation, as ``tools/test.py --tta``), its own seeds, and
``--cfg-options`` for training and testing (after the global ones). So two
variants of one file compare, e.g. ``'fp32=CONFIG --cfg-options
precision=fp32' 'bf16=CONFIG --cfg-options precision=bf16'`` (a config's
default precision depends on the hardware: see
:mod:`sdfnet_mm.engine.precision`).

Every (variant, seed) runs in this process through ``tools/train.py``'s and
``tools/test.py``'s own argument handling (``randomness.seed=S`` appended to
the options), in ``WORK_DIR/<label>/seed_<S>/``:

- ``spec.json``: what the run is (config, options, seed, ...); a later call
  that asks for something else under the same label stops with an error;
- the training work dir (checkpoints, MMEngine logs), ``train.log`` (the
  console output), ``trained.json`` once training has finished (an
  interrupted training resumes from its last checkpoint);
- ``test/``, ``test.log``, ``per_query.json`` (``tools/test.py --out``) and,
  written atomically last, ``results.json``: the run is finished when it
  exists and is skipped by later calls, so a long study continues in a later
  sitting.

``--record DIR`` also copies what the summary reads (each finished run's
``spec.json``, ``results.json`` and ``per_query.json``, and the three summary
files) into ``DIR`` with the same layout: a small folder to keep with the
code (``docs/studies/``), from which ``--work-dir DIR --summarize-only``
rebuilds the tables and in which a later sitting's study continues.

The checkpoint tested is the last one (``--checkpoint best``: the single
``best_*.pth``, which only a ``*_val`` config selects, on its validation
split). Finally ``WORK_DIR/summary.md`` (also printed), ``summary.json`` and
``runs.csv``: per variant the mean ± sample std (n - 1) over seeds of All /
O->S / S->O mAP and R1, and for each variant after the first its paired
difference against the first: per-seed differences, their mean ± std, and a
95% bootstrap interval over test queries (the procedure:
:mod:`sdfnet_mm.evaluation.seed_statistics`).
"""
import argparse
import contextlib
import csv
import gc
import importlib.util
import io
import json
import os
import os.path as osp
import re
import shlex
import sys
import time
import traceback
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from mmengine.config import Config
from mmengine.runner import Runner, find_latest_checkpoint

from sdfnet_mm.engine.fileio import AtomicLocalBackend
from sdfnet_mm.evaluation.seed_statistics import (STUDY_METRICS, QueryScores,
                                                  compare_runs, mean_std)
from sdfnet_mm.structures import SETTING_TITLES, PerQueryResults
from sdfnet_mm.utils import register_all_modules

TOOLS = Path(__file__).resolve().parents[1]
DEFAULT_WORK_DIR = 'work_dirs/multi_seed'
LABEL = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._+-]*$')
#: What the summary reads of a finished run (``--record`` keeps these);
#: ``results.json``, which marks a run finished, last.
RECORD_FILES = ('spec.json', 'per_query.json', 'results.json')
SUMMARY_FILES = ('summary.md', 'summary.json', 'runs.csv')


def load_tool(name: str):
    """``tools/<name>.py`` as a module (its argument handling and helpers)."""
    spec = importlib.util.spec_from_file_location(f'sdfnet_tool_{name}',
                                                  TOOLS / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Variant:
    """One config of the study with its own options."""
    label: str
    config: str
    seeds: Tuple[int, ...]
    amp: bool = False
    tta: bool = False
    cfg_options: Tuple[str, ...] = ()


def parse_variant(text: str, default_seeds: Sequence[int]) -> Variant:
    """``'[LABEL=]CONFIG [--amp] [--tta] [--seeds S ...] [--cfg-options
    KEY=VALUE ...]'`` -> :class:`Variant` (ValueError naming ``text``)."""
    parser = argparse.ArgumentParser(prog='VARIANT', add_help=False,
                                     exit_on_error=False)
    parser.add_argument('config')
    parser.add_argument('--amp', action='store_true')
    parser.add_argument('--tta', action='store_true')
    parser.add_argument('--seeds', type=int, nargs='+')
    parser.add_argument('--cfg-options', nargs='+', default=[])
    tokens = shlex.split(text)
    if not tokens or tokens[0].startswith('-'):
        raise ValueError(f'variant {text!r}: expected a config first: '
                         "'[LABEL=]CONFIG [--amp] [--tta] [--seeds S ...] "
                         "[--cfg-options KEY=VALUE ...]'")
    try:
        args, unknown = parser.parse_known_args(tokens)
    except (argparse.ArgumentError, ValueError) as err:
        raise ValueError(f'variant {text!r}: {err}; expected '
                         "'[LABEL=]CONFIG [--amp] [--tta] [--seeds S ...] "
                         "[--cfg-options KEY=VALUE ...]'") from err
    if unknown:
        raise ValueError(f'variant {text!r}: unknown arguments {unknown}; '
                         'expected --amp, --tta, --seeds, --cfg-options')
    label, config = (args.config.split('=', 1) if '=' in args.config else
                     ('', args.config))
    label = label or osp.splitext(osp.basename(config))[0]
    if not LABEL.match(label):
        raise ValueError(f'variant {text!r}: label {label!r}; expected '
                         'letters, digits and . _ + - (a folder name)')
    if not osp.isfile(config):
        raise FileNotFoundError(f'variant {text!r}: config {config} not '
                                'found')
    bad = [option for option in args.cfg_options if '=' not in option]
    if bad:
        raise ValueError(f'variant {text!r}: --cfg-options {bad}; expected '
                         'KEY=VALUE')
    seeds = tuple(args.seeds if args.seeds else default_seeds)
    if len(set(seeds)) != len(seeds) or min(seeds) < 0:
        raise ValueError(f'variant {text!r}: seeds {list(seeds)}; expected '
                         'distinct integers >= 0')
    return Variant(label, osp.normpath(config), seeds, args.amp, args.tta,
                   tuple(args.cfg_options))


class Study:
    """The runs of every variant and seed in ``work_dir`` (see the module
    docstring)."""

    def __init__(self, variants: Sequence[Variant], work_dir: str,
                 cfg_options: Sequence[str], checkpoint: str) -> None:
        labels = [variant.label for variant in variants]
        repeated = sorted({label for label in labels
                           if labels.count(label) > 1})
        if repeated:
            raise ValueError(f'labels {repeated} given twice; name each '
                             'variant of one config: LABEL=CONFIG')
        self.variants = list(variants)
        self.work_dir = work_dir
        self.cfg_options = list(cfg_options)
        self.checkpoint = checkpoint
        self.train_tool = load_tool('train')
        self.test_tool = load_tool('test')

    def run_dir(self, variant: Variant, seed: int) -> str:
        return osp.join(self.work_dir, variant.label, f'seed_{seed}')

    def options(self, variant: Variant, seed: int) -> List[str]:
        return [*self.cfg_options, *variant.cfg_options,
                f'randomness.seed={seed}']

    def spec(self, variant: Variant, seed: int) -> dict:
        """What a run is; a finished run is reused only for the same."""
        return dict(config=variant.config, seed=seed, amp=variant.amp,
                    tta=variant.tta, checkpoint=self.checkpoint,
                    cfg_options=self.options(variant, seed))

    def train_args(self, variant: Variant, seed: int,
                   resume: bool = False) -> List[str]:
        return [variant.config, '--work-dir', self.run_dir(variant, seed),
                *(['--amp'] if variant.amp else []),
                *(['--resume'] if resume else []),
                '--cfg-options', *self.options(variant, seed)]

    def test_args(self, variant: Variant, seed: int,
                  checkpoint: str) -> List[str]:
        run_dir = self.run_dir(variant, seed)
        return [variant.config, checkpoint,
                '--work-dir', osp.join(run_dir, 'test'),
                '--out', osp.join(run_dir, 'per_query.json'),
                *(['--tta'] if variant.tta else []),
                '--cfg-options', *self.options(variant, seed)]

    def check_configs(self) -> None:
        """Load every variant's config with its options before running
        anything: a bad key fails now, not after hours of training."""
        for variant in self.variants:
            for tool, args in (
                    (self.train_tool, self.train_args(variant, 0)),
                    (self.test_tool, self.test_args(variant, 0, 'x.pth'))):
                parsed = tool.parse_args(args)
                tool.merge_args(Config.fromfile(variant.config), parsed)

    # ------------------------------------------------------------ running
    def run_all(self) -> None:
        """Train and test every unfinished run, with progress lines."""
        runs = [(variant, seed) for variant in self.variants
                for seed in variant.seeds]
        start, durations = time.monotonic(), []
        for number, (variant, seed) in enumerate(runs, start=1):
            name = f'[{number}/{len(runs)}] {variant.label} seed {seed}'
            run_dir = self.run_dir(variant, seed)
            if self._finished(variant, seed):
                print(f'{name}: finished earlier ({run_dir}), skipped',
                      flush=True)
                continue
            begin = time.monotonic()
            self._run(variant, seed, name)
            durations.append(time.monotonic() - begin)
            left = len(runs) - number
            eta = (f', about {_clock(left * sum(durations) / len(durations))}'
                   f' for the {left} runs left' if left else '')
            print(f'{name}: done in {_clock(durations[-1])} (study '
                  f'{_clock(time.monotonic() - start)}{eta})', flush=True)

    def _finished(self, variant: Variant, seed: int) -> bool:
        run_dir = self.run_dir(variant, seed)
        self._check_spec(variant, seed)
        return osp.isfile(osp.join(run_dir, 'results.json'))

    def _check_spec(self, variant: Variant, seed: int) -> None:
        """Write ``spec.json`` of a new run; refuse a run dir made for
        another spec."""
        path = osp.join(self.run_dir(variant, seed), 'spec.json')
        spec = self.spec(variant, seed)
        if not osp.isfile(path):
            return
        with open(path) as file:
            found = json.load(file)
        if found != spec:
            raise ValueError(
                f'{path} describes another run:\n  found {found}\n  asked '
                f'{spec}\nremove {osp.dirname(path)} or use another label '
                'or --work-dir')

    def _run(self, variant: Variant, seed: int, name: str) -> None:
        run_dir = self.run_dir(variant, seed)
        os.makedirs(run_dir, exist_ok=True)
        _write_json(osp.join(run_dir, 'spec.json'), self.spec(variant, seed))
        trained = osp.join(run_dir, 'trained.json')
        if osp.isfile(trained):
            print(f'{name}: trained earlier', flush=True)
        else:
            resume = osp.isfile(osp.join(run_dir, 'last_checkpoint'))
            print(f'{name}: training{" (resumed)" if resume else ""}, log '
                  f'{osp.join(run_dir, "train.log")}', flush=True)
            begin = time.monotonic()
            self._train(variant, seed, resume)
            gc.collect()  # the runner, its data loader workers
            _write_json(trained, dict(seconds=time.monotonic() - begin))
        checkpoint = self._checkpoint(run_dir)
        print(f'{name}: testing {checkpoint}', flush=True)
        begin = time.monotonic()
        metrics = self._test(variant, seed, checkpoint)
        gc.collect()
        with open(trained) as file:
            train_seconds = json.load(file)['seconds']
        _write_json(osp.join(run_dir, 'results.json'), dict(
            spec=self.spec(variant, seed), checkpoint=checkpoint,
            metrics=metrics, train_seconds=train_seconds,
            test_seconds=time.monotonic() - begin))

    def _train(self, variant: Variant, seed: int, resume: bool) -> None:
        """``tools/train.py`` of one run, its console to ``train.log``."""
        args = self.train_tool.parse_args(
            self.train_args(variant, seed, resume))
        cfg = self.train_tool.merge_args(Config.fromfile(variant.config),
                                         args)
        cfg.experiment_name = f'{variant.label}_seed{seed}_train'
        with _console_to(osp.join(cfg.work_dir, 'train.log')):
            runner = Runner.from_cfg(cfg)
            runner.train()
            _close_logger(runner)

    def _test(self, variant: Variant, seed: int, checkpoint: str) -> dict:
        """``tools/test.py --out`` of one run, its console to
        ``test.log``; returns the metrics."""
        args = self.test_tool.parse_args(
            self.test_args(variant, seed, checkpoint))
        cfg = self.test_tool.merge_args(Config.fromfile(variant.config), args)
        cfg.experiment_name = f'{variant.label}_seed{seed}_test'
        with _console_to(osp.join(self.run_dir(variant, seed), 'test.log')):
            runner = self.test_tool.load_runner(cfg, checkpoint,
                                                variant.config)
            metrics = runner.test()
            _close_logger(runner)
        return metrics

    def _checkpoint(self, run_dir: str) -> str:
        if self.checkpoint == 'best':
            found = sorted(Path(run_dir).glob('best_*.pth'))
            if len(found) != 1:
                raise FileNotFoundError(
                    f'--checkpoint best: {len(found)} best_*.pth in '
                    f'{run_dir}; expected one (only configs with save_best, '
                    'the *_val configs, write it)')
            return str(found[0])
        last = find_latest_checkpoint(run_dir)
        if last is None:
            raise FileNotFoundError(f'no last_checkpoint in {run_dir}; '
                                    'expected the training to have saved')
        return last

    def record(self, folder: str) -> List[str]:
        """Copy :data:`RECORD_FILES` of every finished run and the summary
        files to ``folder`` (same layout); returns the runs copied (none
        when ``folder`` is the work dir itself)."""
        copied = []
        if osp.realpath(folder) == osp.realpath(self.work_dir):
            return copied
        for variant in self.variants:
            for seed in variant.seeds:
                if not self._finished(variant, seed):
                    continue
                source = self.run_dir(variant, seed)
                target = osp.join(folder, variant.label, f'seed_{seed}')
                os.makedirs(target, exist_ok=True)
                for name in RECORD_FILES:
                    _copy(osp.join(source, name), osp.join(target, name))
                copied.append(f'{variant.label}/seed_{seed}')
        for name in SUMMARY_FILES:
            _copy(osp.join(self.work_dir, name), osp.join(folder, name))
        return copied

    # ------------------------------------------------------------ summary
    def load_scores(self) -> Dict[str, Dict[int, Dict[str, QueryScores]]]:
        """label -> seed -> setting -> scores, of the finished runs."""
        scores = {}
        for variant in self.variants:
            scores[variant.label] = {}
            for seed in variant.seeds:
                run_dir = self.run_dir(variant, seed)
                if not self._finished(variant, seed):
                    continue
                results = PerQueryResults.load(
                    osp.join(run_dir, 'per_query.json'))
                scores[variant.label][seed] = {
                    setting: QueryScores.from_results(results, setting)
                    for setting in SETTING_TITLES
                    if setting in results.settings}
        return scores

    def summarize(self, num_samples: int, bootstrap_seed: int) -> dict:
        """The study's numbers (see the module docstring); writes
        ``summary.md``, ``summary.json`` and ``runs.csv``; returns the
        JSON."""
        scores = self.load_scores()
        runs, configs = [], {}
        for variant in self.variants:
            by_seed = scores[variant.label]
            row = dict(config=variant.config, seeds=sorted(by_seed),
                       missing_seeds=[s for s in variant.seeds
                                      if s not in by_seed])
            for setting in SETTING_TITLES:
                for metric in STUDY_METRICS:
                    values = [by_seed[s][setting].rate(metric)
                              for s in sorted(by_seed)
                              if setting in by_seed[s]]
                    mean, std = mean_std(values)
                    row[f'{setting}_{metric}'] = dict(values=values,
                                                      mean=mean, std=std)
            configs[variant.label] = row
            for seed in sorted(by_seed):
                runs.append(dict(label=variant.label, config=variant.config,
                                 seed=seed, **{
                                     f'{setting}_{metric}':
                                     by_seed[seed][setting].rate(metric)
                                     for setting in by_seed[seed]
                                     for metric in STUDY_METRICS}))
        reference = self.variants[0].label
        comparisons = {
            variant.label: compare_runs(scores[reference],
                                        scores[variant.label], num_samples,
                                        bootstrap_seed)
            for variant in self.variants[1:]}
        summary = dict(
            work_dir=self.work_dir, checkpoint=self.checkpoint,
            variants=[asdict(variant) for variant in self.variants],
            configs=configs, reference=reference, comparisons=comparisons,
            bootstrap=dict(num_samples=num_samples, seed=bootstrap_seed,
                           level=0.95), runs=runs)
        markdown = format_summary(summary)
        markdown_file, json_file, csv_file = (
            osp.join(self.work_dir, name) for name in SUMMARY_FILES)
        _write_text(markdown_file, markdown)
        _write_json(json_file, summary)
        _write_text(csv_file, _runs_csv(runs))
        print(markdown)
        return summary


def format_summary(summary: dict) -> str:
    """The Markdown tables of :meth:`Study.summarize`'s JSON."""
    columns = [(setting, metric) for setting in SETTING_TITLES
               for metric in STUDY_METRICS]
    lines = ['## Mean ± sample std over seeds (%)', '',
             '| config | seeds | ' + ' | '.join(
                 f'{SETTING_TITLES[s]} {m}' for s, m in columns) + ' |',
             '|---' * (len(columns) + 2) + '|']
    for label, row in summary['configs'].items():
        seeds = ', '.join(map(str, row['seeds'])) or 'none finished'
        cells = [_mean_std(row[f'{s}_{m}']['mean'], row[f'{s}_{m}']['std'])
                 for s, m in columns]
        lines.append(f'| {label} | {seeds} | ' + ' | '.join(cells) + ' |')
    if summary['comparisons']:
        lines += ['', f"## Paired differences against "
                  f"{summary['reference']} (percentage points)", '',
                  '| config | setting | metric | seeds | per-seed Δ | '
                  'mean ± std | 95% bootstrap interval |',
                  '|---' * 7 + '|']
        for label, rows in summary['comparisons'].items():
            if not rows:
                lines.append(f'| {label} | — | — | no seed in common | — '
                             '| — | — |')
            for row in rows:
                per_seed = ', '.join(f'{v:+.2f}' for v in row['per_seed'])
                low, high = row['interval']
                lines.append(
                    f"| {label} | {SETTING_TITLES[row['setting']]} | "
                    f"{row['metric']} | "
                    f"{', '.join(map(str, row['seeds']))} | {per_seed} | "
                    f"{_mean_std(row['mean'], row['std'], sign=True)} | "
                    f'[{low:+.2f}, {high:+.2f}] |')
        bootstrap = summary['bootstrap']
        lines += ['', f"Bootstrap: {bootstrap['num_samples']} resamples of "
                  'the test queries (the same draw for both configs and '
                  f"every seed), seed {bootstrap['seed']}; see "
                  'sdfnet_mm/evaluation/seed_statistics.py.']
    return '\n'.join(lines) + '\n'


def _mean_std(mean: float, std: float, sign: bool = False) -> str:
    if mean != mean:  # NaN: no run
        return '—'
    text = f'{mean:+.2f}' if sign else f'{mean:.2f}'
    return text if std != std else f'{text} ± {std:.2f}'


def _runs_csv(runs: List[dict]) -> str:
    keys = ['label', 'config', 'seed'] + [
        f'{s}_{m}' for s in SETTING_TITLES for m in STUDY_METRICS]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=keys, restval='')
    writer.writeheader()
    writer.writerows(runs)
    return out.getvalue()


def _write_text(path: str, text: str) -> None:
    AtomicLocalBackend().put_text(text, path)


def _copy(source: str, target: str) -> None:
    """Copy a file atomically: an interrupted ``--record`` leaves no
    half-written file (and no ``results.json`` before its run's other
    files)."""
    AtomicLocalBackend().put(Path(source).read_bytes(), target)


def _write_json(path: str, data) -> None:
    _write_text(path, json.dumps(data, indent=1))


def _clock(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds)))


@contextlib.contextmanager
def _console_to(path: str):
    """Send this process's console output (and MMEngine's console log
    handler, created inside) to ``path``; on an error, show its tail."""
    with open(path, 'a') as log:
        try:
            with contextlib.redirect_stdout(log), \
                    contextlib.redirect_stderr(log):
                yield
        except BaseException:
            log.write(traceback.format_exc())
            log.flush()
            with open(path) as file:
                tail = file.read()[-4000:]
            print(f'--- end of {path} ---\n{tail}', file=sys.stderr)
            raise


def _close_logger(runner: Runner) -> None:
    """Close the handlers of a finished runner's logger (its console
    handler writes to a log file closed next)."""
    for handler in list(runner.logger.handlers):
        handler.close()
        runner.logger.removeHandler(handler)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Train and test configs with several seeds; mean ± std '
        'and paired differences with bootstrap intervals',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n\n', 2)[1])
    parser.add_argument(
        'variants', nargs='+', metavar='VARIANT',
        help="'[LABEL=]CONFIG [--amp] [--tta] [--seeds S ...] "
        "[--cfg-options KEY=VALUE ...]'; the first is the reference of the "
        'paired differences')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2],
                        help='seeds of the variants that give none '
                        '(default: 0 1 2)')
    parser.add_argument('--work-dir', default=DEFAULT_WORK_DIR,
                        help=f'study folder (default {DEFAULT_WORK_DIR})')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='KEY=VALUE options of every run (training and '
                        'testing), before the variants\' own')
    parser.add_argument('--checkpoint', choices=['last', 'best'],
                        default='last', help='checkpoint to test (default: '
                        'last; best: the best_*.pth of a *_val config)')
    parser.add_argument('--bootstrap', type=int, default=10000,
                        help='bootstrap resamples (default 10000)')
    parser.add_argument('--bootstrap-seed', type=int, default=0)
    parser.add_argument('--summarize-only', action='store_true',
                        help='run nothing; summarize the finished runs')
    parser.add_argument('--record', metavar='DIR',
                        help='also copy what the summary reads (per run '
                        'spec, results and per-query files; the summary '
                        'files) to DIR')
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    variants = [parse_variant(text, args.seeds) for text in args.variants]
    study = Study(variants, args.work_dir, args.cfg_options, args.checkpoint)
    if not args.summarize_only:
        study.check_configs()
        study.run_all()
    summary = study.summarize(args.bootstrap, args.bootstrap_seed)
    if args.record:
        copied = study.record(args.record)
        print(f'recorded {len(copied)} runs and the summary in '
              f'{args.record}')
    return summary


if __name__ == '__main__':
    main()
