"""Faults survived and bad input refused, through the entry points.

- kill -9 during training, then ``--resume``: the same weights and metrics
  as the uninterrupted run;
- a kill while a checkpoint is being written leaves the previous file;
- a non-finite loss stops training naming the iteration and the term (or
  the step is skipped when configured);
- wrong data root, corrupt TIFF, unknown config key, checkpoint of another
  architecture, image with the wrong number of channels: a clear error
  naming the culprit; a query without a match is counted, not dropped.
"""
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from PIL import Image

from test_train import assert_same_weights
from tool_runner import (DEMO_CONFIG, REPO, python_tool, run_tool, scalars,
                         tiny_options, tool_env)


def failing_tool(script, *args, timeout=300) -> str:
    """Run a tool that must fail; its output (stdout + stderr)."""
    done = run_tool([sys.executable, REPO / script, *args], timeout=timeout,
                    check=False)
    assert done.returncode != 0, done.stdout[-2000:]
    return done.stdout + done.stderr


def copy_samples(hoss_root, tmp_path):
    root = tmp_path / 'hoss'
    shutil.copytree(hoss_root, root)
    return root


def test_kill_9_during_training_then_resume_repeats_run(
        trained_run, hoss_root, tmp_path):
    reference, _ = trained_run  # the same options, never interrupted
    work_dir = tmp_path / 'killed'
    command = [sys.executable, REPO / 'tools/train.py', DEMO_CONFIG,
               '--work-dir', work_dir, '--cfg-options',
               *tiny_options(hoss_root)]
    process = subprocess.Popen([str(c) for c in command], cwd=REPO,
                               env=tool_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 240
        while not (work_dir / 'last_checkpoint').exists():
            assert process.poll() is None, 'training ended before the kill'
            assert time.time() < deadline, 'no checkpoint within 240 s'
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert not (work_dir / 'epoch_2.pth').exists()  # killed mid-run
    done = python_tool('tools/train.py', DEMO_CONFIG, '--work-dir', work_dir,
                       '--resume', '--cfg-options', *tiny_options(hoss_root))
    assert 'resumed epoch: 1' in done.stdout + done.stderr
    assert_same_weights(work_dir / 'epoch_2.pth', reference / 'epoch_2.pth')
    last = [r for r in scalars(work_dir) if 'reid/all_mAP' in r][-1]
    expected = [r for r in scalars(reference) if 'reid/all_mAP' in r][-1]
    for key in ('reid/all_mAP', 'reid/o2s_mAP', 'reid/s2o_mAP'):
        assert last[key] == pytest.approx(expected[key], abs=1e-9)


@pytest.mark.parametrize('stage', ['fsync', 'replace'])
def test_kill_while_writing_a_checkpoint_keeps_the_previous_one(
        tmp_path, stage):
    """The writer is killed (SIGKILL) while flushing the new file to disk or
    just before renaming it over the old one."""
    target = tmp_path / 'epoch_1.pth'
    target.write_bytes(b'previous complete checkpoint')
    script = textwrap.dedent(f'''
        import os, sys, time
        from sdfnet_mm.engine.fileio import AtomicLocalBackend

        def stall(*args):
            print('writing', flush=True)
            time.sleep(600)

        os.{stage} = stall
        AtomicLocalBackend().put(b'x' * (64 << 20), {str(target)!r})
    ''')
    process = subprocess.Popen([sys.executable, '-c', script], cwd=REPO,
                               env=tool_env(), stdout=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout.readline().strip() == 'writing'
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert target.read_bytes() == b'previous complete checkpoint'


def test_nonfinite_loss_stops_training_naming_iteration_and_term(
        hoss_root, tmp_path):
    output = failing_tool('tools/train.py', DEMO_CONFIG, '--work-dir',
                          tmp_path, '--cfg-options', *tiny_options(hoss_root),
                          'model.head.loss_triplet.loss_weight=nan')
    assert 'FloatingPointError: non-finite loss at iteration 0: ' \
        'loss_triplet=nan' in output
    assert "model.nonfinite_loss='skip'" in output


def test_nonfinite_loss_skip_trains_on(hoss_root, tmp_path):
    done = python_tool('tools/train.py', DEMO_CONFIG, '--work-dir', tmp_path,
                       '--cfg-options', *tiny_options(hoss_root, epochs=1),
                       'model.head.loss_triplet.loss_weight=nan',
                       'model.nonfinite_loss=skip')
    assert 'non-finite loss at iteration 0: loss_triplet=nan; the step ' \
        'gets zero gradients' in done.stdout + done.stderr
    assert (tmp_path / 'epoch_1.pth').is_file()
    rows = [r for r in scalars(tmp_path) if 'loss' in r]
    assert rows and all(np.isfinite(r['loss']) for r in rows)


def test_wrong_data_root_is_named(hoss_root, tmp_path):
    missing = tmp_path / 'no_such_hoss'
    options = tiny_options(hoss_root) + [
        f'train_dataloader.dataset.data_root={missing}']
    output = failing_tool('tools/train.py', DEMO_CONFIG, '--work-dir',
                          tmp_path / 'work', '--cfg-options', *options)
    assert str(missing) in output


def test_unknown_config_key_is_named(hoss_root, tmp_path):
    output = failing_tool('tools/train.py', DEMO_CONFIG, '--work-dir',
                          tmp_path, '--cfg-options', *tiny_options(hoss_root),
                          'model.backbone.structure_layr=2')
    assert "KeyError: \"--cfg-options model.backbone.structure_layr: " \
        f"{DEMO_CONFIG} has no key" in output
    assert "did you mean 'structure_layer'" in output
    assert not list(tmp_path.glob('*.pth'))


def test_corrupt_tiff_is_named(hoss_root, tmp_path):
    root = copy_samples(hoss_root, tmp_path)
    corrupt = root / 'query' / '0002_s05c1_RGB.tif'
    corrupt.write_bytes(corrupt.read_bytes()[:300])  # header, no pixels
    options = tiny_options(root) + ['train_cfg.max_epochs=1']
    output = failing_tool('tools/train.py', DEMO_CONFIG, '--work-dir',
                          tmp_path / 'work', '--cfg-options', *options)
    # Found when the dataset reads the chip headers, before any training.
    assert f'{corrupt}: cannot read the image' in output
    assert 'expected a readable TIFF, PNG or JPEG chip' in output
    assert not list((tmp_path / 'work').glob('*.pth'))


@pytest.mark.parametrize('name, pixels, expected', [
    ('query/0002_s05c1_RGB.tif', np.zeros((60, 20, 4), np.uint8),
     'TIFF uint8 with 3 band(s) + 1 alpha; HOSS chips of this modality are '
     'uint8 RGB (3 bands) TIFFs'),
    ('bounding_box_test/-1_0081_SAR.tif', np.zeros((60, 20, 3), np.uint8),
     'TIFF uint8 with 3 band(s); HOSS chips of this modality are float32 '
     'amplitude (1 band) TIFFs'),
])
def test_wrong_channel_count_is_named(trained_run, hoss_root, tmp_path, name,
                                      pixels, expected):
    root = copy_samples(hoss_root, tmp_path)
    Image.fromarray(pixels).save(root / name, format='TIFF')
    work_dir, _ = trained_run
    output = failing_tool('tools/test.py', DEMO_CONFIG,
                          work_dir / 'epoch_2.pth', '--work-dir',
                          tmp_path / 'work', '--cfg-options',
                          *tiny_options(root))
    assert str(root / name) in output and expected in output


def test_checkpoint_of_another_architecture_is_refused(
        trained_run, hoss_root, tmp_path):
    work_dir, _ = trained_run
    checkpoint = work_dir / 'epoch_2.pth'
    before = checkpoint.read_bytes()
    options = tiny_options(hoss_root) + [
        'model.backbone.arch.num_layers=3',
        'model.neck.fusion=concat',
    ]
    output = failing_tool('tools/test.py', DEMO_CONFIG, checkpoint,
                          '--work-dir', tmp_path, '--cfg-options', *options)
    assert f'checkpoint {checkpoint} does not fit the model of ' \
        f'{DEMO_CONFIG}' in output
    assert 'backbone.layers.2' in output  # a weight the checkpoint lacks
    assert checkpoint.read_bytes() == before


def test_query_without_match_is_counted_and_listed(trained_run, hoss_root,
                                                   tmp_path):
    """Two optical queries of the samples have no SAR chip of their id."""
    work_dir, _ = trained_run
    out = tmp_path / 'per_query.json'
    done = python_tool('tools/test.py', DEMO_CONFIG,
                       work_dir / 'epoch_2.pth', '--work-dir', tmp_path,
                       '--out', out, '--cfg-options',
                       *tiny_options(hoss_root))
    assert '| o2s (O->S) |' in done.stdout
    row = [line for line in done.stdout.splitlines()
           if line.startswith('| o2s')][0]
    assert row.rstrip(' |').endswith('| 16 | 2')
    from sdfnet_mm.structures import PerQueryResults
    entries = PerQueryResults.load(str(out)).settings['o2s']
    skipped = [e for e in entries if not e.evaluated]
    assert len(entries) == 18 and len(skipped) == 2
    assert all(e.num_matches == 0 and e.ap is None for e in skipped)
