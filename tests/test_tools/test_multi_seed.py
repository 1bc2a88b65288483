"""tools/analysis/multi_seed.py: the variant syntax, skipping finished runs,
the summary against hand-computed values, and one real study (2 configs x 2
seeds, 1 epoch of a tiny model on the HOSS samples)."""
import csv
import importlib.util
import json
import math
import shutil

import pytest

from sdfnet_mm.structures import PerQueryResult, PerQueryResults
from tool_runner import DEMO_CONFIG, REPO, python_tool, tiny_options

TOOL = REPO / 'tools' / 'analysis' / 'multi_seed.py'
VAL_CONFIG = 'configs/demo/sdfnet_vit-tiny_synthetic_val.py'


@pytest.fixture(scope='module')
def multi_seed():
    spec = importlib.util.spec_from_file_location('multi_seed_tool', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def config(path=DEMO_CONFIG):
    return str(REPO / path)


def test_variant_syntax(multi_seed):
    plain = multi_seed.parse_variant(config(), [0, 1, 2])
    assert plain.label == 'sdfnet_vit-tiny_synthetic'
    assert plain.seeds == (0, 1, 2) and not plain.amp
    bf16 = multi_seed.parse_variant(
        f'bf16={config()} --amp --seeds 3 4 --cfg-options '
        'train_cfg.max_epochs=2 model.neck.fusion=concat', [0])
    assert (bf16.label, bf16.seeds, bf16.amp, bf16.tta) == ('bf16', (3, 4),
                                                            True, False)
    assert bf16.cfg_options == ('train_cfg.max_epochs=2',
                                'model.neck.fusion=concat')
    with pytest.raises(ValueError, match=r"unknown arguments \['--fp16'\]"):
        multi_seed.parse_variant(f'{config()} --fp16', [0])
    with pytest.raises(ValueError, match='expected a config first'):
        multi_seed.parse_variant('--amp', [0])
    with pytest.raises(FileNotFoundError, match='nowhere.py not found'):
        multi_seed.parse_variant('x=configs/nowhere.py', [0])
    with pytest.raises(ValueError, match="label 'a b'"):
        multi_seed.parse_variant(f"'a b={config()}'", [0])
    with pytest.raises(ValueError, match='seeds'):
        multi_seed.parse_variant(f'{config()} --seeds 1 1', [0])
    with pytest.raises(ValueError, match='given twice'):
        multi_seed.Study([plain, plain], 'w', [], 'last')


def fake_run(study, variant, seed, aps_all, aps_o2s):
    """A finished run as the tool leaves it: spec.json, per_query.json
    (queries q0, q1, ... with these APs; R1 hit when AP is 1) and
    results.json."""
    run_dir = study.run_dir(variant, seed)

    def entries(aps, prefix):
        return [PerQueryResult(
            query=f'{prefix}{i}.tif', query_id=i, query_modality=0,
            evaluated=True, ap=ap, first_match_rank=1 if ap == 1 else 2,
            num_matches=1, topk=()) for i, ap in enumerate(aps)]

    PerQueryResults('cosine', {
        'all': entries(aps_all, 'q'), 'o2s': entries(aps_o2s, 'q'),
        's2o': []}).dump(f'{run_dir}/per_query.json')
    with open(f'{run_dir}/spec.json', 'w') as file:
        json.dump(study.spec(variant, seed), file)
    with open(f'{run_dir}/results.json', 'w') as file:
        json.dump({}, file)


def test_finished_runs_are_skipped_and_summarized(multi_seed, tmp_path,
                                                  capsys):
    work_dir = str(tmp_path / 'study')
    argv = [f'base={config()}', f"other={config()} --seeds 0 2",
            '--seeds', '0', '1', '2', '--work-dir', work_dir,
            '--bootstrap', '400']
    variants = [multi_seed.parse_variant(text, [0, 1, 2])
                for text in argv[:2]]
    study = multi_seed.Study(variants, work_dir, [], 'last')
    base, other = variants
    fake_run(study, base, 0, [1.0, 0.5], [1.0])
    fake_run(study, base, 1, [0.5, 0.5], [0.5])
    fake_run(study, base, 2, [1.0, 1.0], [0.25])
    fake_run(study, other, 0, [1.0, 1.0], [1.0])
    fake_run(study, other, 2, [0.5, 1.0], [0.5])
    summary = multi_seed.main(argv)
    out = capsys.readouterr().out
    assert out.count('finished earlier') == 5 and 'training' not in out
    base_all = summary['configs']['base']['all_mAP']
    # seeds 0, 1, 2: 75, 50, 100 -> mean 75, sample std 25
    assert base_all['values'] == pytest.approx([75.0, 50.0, 100.0])
    assert (base_all['mean'], base_all['std']) == pytest.approx((75.0, 25.0))
    assert summary['configs']['base']['all_R1']['values'] == pytest.approx(
        [50.0, 0.0, 100.0])
    assert math.isnan(summary['configs']['base']['s2o_mAP']['mean'])
    rows = {(r['setting'], r['metric']): r
            for r in summary['comparisons']['other']}
    # seed 0: 100 - 75 = +25; seed 2: 75 - 100 = -25
    assert rows['all', 'mAP']['seeds'] == [0, 2]
    assert rows['all', 'mAP']['per_seed'] == pytest.approx([25.0, -25.0])
    assert rows['all', 'mAP']['mean'] == pytest.approx(0.0)
    # o2s, one query: +0 and +25 on every resample -> the point 12.5
    assert rows['o2s', 'mAP']['interval'] == pytest.approx([12.5, 12.5])
    markdown = (tmp_path / 'study' / 'summary.md').read_text()
    assert '| base | 0, 1, 2 | 75.00 ± 25.00 |' in markdown
    assert ('| other | All | mAP | 0, 2 | +25.00, -25.00 | +0.00 ± 35.36 |'
            in markdown)
    with open(tmp_path / 'study' / 'runs.csv') as file:
        runs = list(csv.DictReader(file))
    assert [(r['label'], r['seed']) for r in runs] == [
        ('base', '0'), ('base', '1'), ('base', '2'), ('other', '0'),
        ('other', '2')]
    assert float(runs[1]['all_mAP']) == 50.0
    # --record: the runs' three files and the summary, nothing else; the
    # record alone rebuilds the same summary
    record = tmp_path / 'record'
    multi_seed.main(argv + ['--record', str(record)])
    kept = sorted(str(path.relative_to(record))
                  for path in record.rglob('*') if path.is_file())
    assert kept == sorted(
        ['summary.md', 'summary.json', 'runs.csv'] +
        [f'{label}/seed_{seed}/{name}'
         for label, seeds in (('base', (0, 1, 2)), ('other', (0, 2)))
         for seed in seeds
         for name in ('spec.json', 'results.json', 'per_query.json')])
    rebuilt = multi_seed.main(argv[:2] + ['--seeds', '0', '1', '2',
                                          '--work-dir', str(record),
                                          '--bootstrap', '400',
                                          '--summarize-only'])
    for key in ('configs', 'comparisons', 'runs'):  # (NaN != NaN)
        assert json.dumps(rebuilt[key]) == json.dumps(summary[key])
    assert (record / 'summary.md').read_text() == markdown
    # the same labels asked with other options: refused, naming the file
    with pytest.raises(ValueError, match='spec.json describes another run'):
        multi_seed.main(argv + ['--cfg-options', 'train_cfg.max_epochs=3'])


def test_a_real_study_trains_tests_summarizes_and_continues(
        multi_seed, hoss_root, tmp_path, capsys):
    """sdfnet (test split monitored, last checkpoint) against its _val
    variant (5 of the samples' training ids held out, 16 classes), seeds 0
    and 1; then a finished run is removed and the study continues."""
    work_dir = tmp_path / 'study'
    held_out = ('--cfg-options model.head.num_classes=16 '
                'train_dataloader.dataset.val_ids.num=5 '
                'val_dataloader.dataset.val_ids.num=5')
    argv = [f'sdfnet={config()}', f'val={config(VAL_CONFIG)} {held_out}',
            '--seeds', '0', '1', '--work-dir', str(work_dir),
            '--bootstrap', '500', '--cfg-options',
            *tiny_options(hoss_root, epochs=1)]
    done = python_tool(TOOL, *argv, timeout=600)
    for label in ('sdfnet', 'val'):
        for seed in (0, 1):
            assert f'{label} seed {seed}: done in' in done.stdout
    summary = json.loads((work_dir / 'summary.json').read_text())
    for label in ('sdfnet', 'val'):
        for seed in (0, 1):
            run_dir = work_dir / label / f'seed_{seed}'
            results = json.loads((run_dir / 'results.json').read_text())
            assert results['checkpoint'].endswith('epoch_1.pth')
            # the classifier width fits the ids left for training (16 for
            # the _val variant): IdentityCountCheckHook stays silent
            assert 'identities but the classifier' not in (
                run_dir / 'train.log').read_text()
            # the runner's metrics = the rates from the per-query file
            row = next(r for r in summary['runs']
                       if (r['label'], r['seed']) == (label, seed))
            for key in ('all_mAP', 'all_R1', 'o2s_mAP', 's2o_R1'):
                assert row[key] == pytest.approx(
                    results['metrics'][f'reid/{key}'], abs=1e-9)
    # test-set monitoring only, no best checkpoint; the _val variant keeps
    # its best epoch on the 5 held-out ids (3 O->S and 2 S->O queries)
    assert not list((work_dir / 'sdfnet').glob('seed_*/best_*.pth'))
    assert list((work_dir / 'val' / 'seed_0').glob('best_reid_all_mAP_*'))
    scalars = (work_dir / 'val' / 'seed_0').glob('*/vis_data/scalars.json')
    val_row = json.loads(next(scalars).read_text().splitlines()[-1])
    assert val_row['reid/o2s_num_queries'] == 3
    assert val_row['reid/s2o_num_queries'] == 2
    assert val_row['reid/all_num_skipped'] == 0
    # paired differences: per seed, val - sdfnet of the run's metrics
    rows = {(r['setting'], r['metric']): r
            for r in summary['comparisons']['val']}
    runs = {(r['label'], r['seed']): r for r in summary['runs']}
    assert rows['all', 'mAP']['per_seed'] == pytest.approx([
        runs['val', s]['all_mAP'] - runs['sdfnet', s]['all_mAP']
        for s in (0, 1)])
    low, high = rows['all', 'mAP']['interval']
    assert low <= high
    # a later sitting: the removed run is tested again (its training is
    # kept), the three others are skipped
    removed = work_dir / 'val' / 'seed_1'
    before = json.loads((removed / 'results.json').read_text())['metrics']
    (removed / 'results.json').unlink()
    shutil.rmtree(removed / 'test')
    again = multi_seed.main(argv)
    out = capsys.readouterr().out
    assert out.count('finished earlier') == 3
    assert 'val seed 1: trained earlier' in out
    after = json.loads((removed / 'results.json').read_text())['metrics']
    assert after == pytest.approx(before)
    for old, new in zip(summary['comparisons']['val'],
                        again['comparisons']['val']):
        assert new['per_seed'] == pytest.approx(old['per_seed'])
