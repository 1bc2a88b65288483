"""tools/analysis/vis_scheduler.py: the lr of each parameter category over
the whole schedule, without training."""
import json
import math

from PIL import Image

from recipe_reference import authors_lr
from tool_runner import DEMO_CONFIG, python_tool

PAPER = 'configs/sdfnet_vitb16_hoss.py'


def test_paper_schedule_plot_and_values(hoss_root, tmp_path):
    """The epoch length from the config's sampler on the samples (21 ids,
    8 per batch: 3 batches); weights at 1x, every bias at 2x."""
    png, dump = tmp_path / 'lr.png', tmp_path / 'lr.json'
    done = python_tool('tools/analysis/vis_scheduler.py', PAPER, '--out',
                       png, '--dump', dump, '--cfg-options',
                       f'train_dataloader.dataset.data_root={hoss_root}')
    assert '300 iterations (3 per epoch)' in done.stdout
    assert Image.open(png).size == (1000, 500)
    values = json.loads(dump.read_text())
    assert values['iters_per_epoch'] == 3
    assert values['left_out'] == ['head.bnneck.bias']
    by_name = {c['name']: c for c in values['categories']}
    assert set(by_name) == {'weights', 'biases'}
    assert len(by_name['weights']['params']) == 83
    assert len(by_name['biases']['params']) == 78
    assert 'backbone.ln1.bias' in by_name['biases']['params']
    for name, mult in (('weights', 1), ('biases', 2)):
        category = by_name[name]
        assert category['lr_mult'] == mult
        expected = [authors_lr(mult * 5e-4, i // 3 + 1) for i in range(300)]
        assert all(math.isclose(a, b, rel_tol=1e-12)
                   for a, b in zip(category['lr'], expected))
        assert set(category['weight_decay']) == {1e-4}
        assert set(category['momentum']) == {0.9}


def test_dataset_size_sets_the_epoch_length(tmp_path):
    """The demo (AdamW, per-iteration warm-up and cosine): 800 images of
    batch 32 -> 25 iterations per epoch, one category."""
    dump = tmp_path / 'lr.json'
    python_tool('tools/analysis/vis_scheduler.py', DEMO_CONFIG, '--out',
                tmp_path / 'lr.png', '--dump', dump, '--dataset-size', 800)
    values = json.loads(dump.read_text())
    assert values['iters_per_epoch'] == 25
    (category, ) = values['categories']
    lr = category['lr']
    assert len(lr) == 120 * 25
    assert math.isclose(lr[0], 0.01 * 2e-3, rel_tol=1e-9)
    assert max(lr) <= 2e-3 and lr[-1] < 0.01 * 2e-3


def test_missing_data_asks_for_dataset_size(tmp_path):
    done = python_tool('tools/analysis/vis_scheduler.py', PAPER, '--out',
                       tmp_path / 'lr.png', '--cfg-options',
                       f'train_dataloader.dataset.data_root={tmp_path}/none',
                       check=False)
    assert done.returncode != 0
    assert f'{tmp_path}/none does not exist' in done.stderr
    assert 'or give --dataset-size N' in done.stderr
    assert not (tmp_path / 'lr.png').exists()
