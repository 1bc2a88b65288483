"""The runtime's hooks with MMEngine's Runner on the HOSS samples: the
identity-count check, and the process set-up of a user's own Runner."""
import argparse
import sys
import textwrap

import pytest
from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from tool_runner import DEMO_CONFIG, REPO, run_tool, tiny_options


def tiny_config(hoss_root, work_dir, num_classes: int) -> Config:
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    options = parser.parse_args(
        ['--cfg-options', *tiny_options(hoss_root, epochs=1),
         f'model.head.num_classes={num_classes}']).cfg_options
    cfg = Config.fromfile(REPO / DEMO_CONFIG)
    cfg.merge_from_dict(options)
    cfg.work_dir = str(work_dir)
    return cfg


def test_fewer_outputs_than_identities_stops_before_training(
        hoss_root, tmp_path):
    runner = Runner.from_cfg(tiny_config(hoss_root, tmp_path, 10))
    with pytest.raises(ValueError, match='21 identities but the classifier '
                       'has 10 outputs; set model.head.num_classes=21'):
        runner.train()
    assert not list(tmp_path.glob('epoch_*.pth'))


def test_a_plain_runner_warns_trains_and_resumes(hoss_root, tmp_path):
    """No sdfnet_mm set-up call: the config's ProcessSetupHook registers the
    atomic checkpoint backend and the checkpoint pickling, so a user's own
    Runner saves and resumes; 30 outputs for 21 ids is a warning."""
    script = textwrap.dedent(f'''
        import sys
        sys.path.insert(0, {str(REPO / 'tests' / 'test_engine')!r})
        sys.path.insert(0, {str(REPO / 'tests' / 'test_tools')!r})
        from pathlib import Path
        from mmengine.runner import Runner
        from test_hooks import tiny_config
        cfg = tiny_config(Path({str(hoss_root)!r}), {str(tmp_path)!r}, 30)
        Runner.from_cfg(cfg).train()
        cfg.train_cfg.max_epochs = 2
        cfg.resume = True
        Runner.from_cfg(cfg).train()
    ''')
    done = run_tool([sys.executable, '-c', script], timeout=600)
    log = done.stdout + done.stderr
    assert ('21 identities but the classifier has 30 outputs (9 never '
            'trained)') in log
    assert 'resumed epoch: 1' in log
    assert (tmp_path / 'epoch_2.pth').is_file()
