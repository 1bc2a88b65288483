"""The validation split carved from the training identities (val_ids), on
the real HOSS samples and on small hand-made layouts."""
import hashlib
import os

import numpy as np
import pytest
import torch
from PIL import Image

from sdfnet_mm.datasets import HOSSDataset
from sdfnet_mm.evaluation import ReIDMetric

# The 21 training identities of the samples, read off the file listing:
# 15 with two optical chips (c1, c3) and one SAR chip (c2), 6 optical only.
BOTH_MODALITIES = (1, 4, 5, 6, 7, 8, 9, 11, 12, 17, 18, 19, 20, 22, 23)
OPTICAL_ONLY = (24, 26, 101, 102, 103, 104)


def infos(dataset):
    return [dataset.get_data_info(i) for i in range(len(dataset))]


def names(dataset, **where):
    return sorted(
        os.path.basename(info['img_path']) for info in infos(dataset)
        if all(info[key] == value for key, value in where.items()))


def expected_ids(num, seed):
    """The documented rule, recomputed: the ``num`` candidates with the
    smallest sha256 of ``'{seed}:{id}'``."""
    keyed = sorted(BOTH_MODALITIES, key=lambda pid: hashlib.sha256(
        f'{seed}:{pid}'.encode()).hexdigest())
    return sorted(keyed[:num])


def split(root, **val_ids):
    return (HOSSDataset(str(root), split='train', val_ids=val_ids),
            HOSSDataset(str(root), split='val', val_ids=val_ids))


def test_split_is_deterministic_and_follows_the_rule(hoss_root):
    train, val = split(hoss_root, num=5, seed=0)
    held = expected_ids(5, 0)
    assert held == [4, 7, 9, 18, 20]  # the value of the rule for seed 0
    assert list(val.metainfo['val_ids']) == held
    assert list(train.metainfo['val_ids']) == held
    again = HOSSDataset(str(hoss_root), split='val',
                        val_ids=dict(num=5, seed=0))
    assert names(again) == names(val)
    other = HOSSDataset(str(hoss_root), split='val',
                        val_ids=dict(num=5, seed=1))
    assert list(other.metainfo['val_ids']) == expected_ids(5, 1) != held
    # the same seed nests: 3 held-out ids are among the 5
    three = HOSSDataset(str(hoss_root), split='val',
                        val_ids=dict(num=3, seed=0))
    assert set(three.metainfo['val_ids']) < set(held)
    # a fraction of the 21 training ids: round(0.25 * 21) = 5
    by_fraction = HOSSDataset(str(hoss_root), split='val',
                              val_ids=dict(fraction=0.25, seed=0))
    assert list(by_fraction.metainfo['val_ids']) == held


def test_train_and_val_are_disjoint_and_cover_the_training_folder(hoss_root):
    train, val = split(hoss_root, num=5, seed=0)
    train_ids = {info['identity'] for info in infos(train)}
    val_ids = {info['identity'] for info in infos(val)}
    assert not train_ids & val_ids
    assert train_ids | val_ids == set(BOTH_MODALITIES + OPTICAL_ONLY)
    assert len(train) + len(val) == 56 and len(val) == 5 * 3
    assert not set(names(train)) & set(names(val))


def test_train_ids_relabelled_over_the_remaining_ids(hoss_root):
    train, _ = split(hoss_root, num=5, seed=0)
    remaining = sorted(set(BOTH_MODALITIES + OPTICAL_ONLY) -
                       {4, 7, 9, 18, 20})
    assert train.num_ids == 16
    for info in infos(train):
        assert info['gt_label'] == remaining.index(info['identity'])
    assert {info['gt_label'] for info in infos(train)} == set(range(16))


def test_val_queries_by_hand(hoss_root):
    """Each held-out id has 2 optical + 1 SAR chip: one query each,
    optical for the 1st, 3rd, 5th id (4, 9, 20), SAR for 7 and 18."""
    _, val = split(hoss_root, num=5, seed=0)
    assert names(val, is_query=True) == [
        '0004_s05c1_RGB.tif', '0007_s05c2_SAR.tif', '0009_s05c1_RGB.tif',
        '0018_s05c2_SAR.tif', '0020_s05c1_RGB.tif']
    assert len(names(val, is_query=False)) == 10
    for info in infos(val):
        assert info['gt_label'] == info['identity']  # ids as in the names
        assert info['settings'] == ('all', )


def test_every_val_query_has_a_cross_modal_match(hoss_root):
    """ReIDMetric on the val split (features = identity one-hot): All, O->S
    and S->O evaluate every query and none is skipped."""
    _, val = split(hoss_root, num=15, seed=3)
    metric = ReIDMetric()
    samples = []
    for info in infos(val):
        feature = torch.zeros(30)
        feature[info['identity']] = 1
        feature[29] = 0.1 * info['modality']
        samples.append(dict(pred_feature=feature,
                            gt_label=torch.tensor([info['gt_label']]),
                            modality=torch.tensor(info['modality']),
                            is_query=info['is_query'],
                            settings=info['settings'],
                            img_path=info['img_path']))
    metric.process(None, samples)
    results = metric.compute_metrics(metric.results)
    optical_queries = len(names(val, is_query=True, modality=0))
    assert optical_queries == 8  # 15 single-query ids: 8 optical, 7 SAR
    assert results['all_num_queries'] == 15
    assert results['o2s_num_queries'] == 8
    assert results['s2o_num_queries'] == 7
    for setting in ('all', 'o2s', 's2o'):
        assert results[f'{setting}_num_skipped'] == 0
        assert results[f'{setting}_mAP'] == 100


# ------------------------------------------------ hand-made layouts
def write_chip(path, modality):
    if modality == 'RGB':
        Image.fromarray(np.zeros((40, 12, 3), np.uint8)).save(path)
    else:
        Image.fromarray(np.ones((30, 10), np.float32), 'F').save(path)


def make_train_folder(root, chips):
    """``chips``: {id: 'RGB RGB SAR ...'} -> bounding_box_train/."""
    folder = root / 'bounding_box_train'
    folder.mkdir(parents=True)
    for pid, kinds in chips.items():
        for capture, kind in enumerate(kinds.split(), start=1):
            write_chip(folder / f'{pid:04d}_s01c{capture}_{kind}.tif', kind)
    return root


def test_two_queries_when_both_modalities_have_two_chips(tmp_path):
    root = make_train_folder(tmp_path / 'hoss', {
        1: 'RGB SAR RGB SAR SAR',  # two queries
        2: 'SAR RGB',  # one query (the 1st single-query id: optical)
        3: 'RGB SAR RGB',  # one query (the 2nd: SAR)
        4: 'RGB RGB',  # optical only: never held out
        5: 'SAR RGB SAR',  # kept for training (num=3)
    })
    _, val = split(root, num=3, seed=0)
    held = list(val.metainfo['val_ids'])
    assert 4 not in held and len(held) == 3
    # choose a seed that holds out 1, 2, 3 (the rule, recomputed)
    seed = next(s for s in range(100) if sorted(sorted(
        (1, 2, 3, 5), key=lambda p, s=s: hashlib.sha256(
            f'{s}:{p}'.encode()).hexdigest())[:3]) == [1, 2, 3])
    train, val = split(root, num=3, seed=seed)
    assert names(val, is_query=True) == [
        '0001_s01c1_RGB.tif', '0001_s01c2_SAR.tif', '0002_s01c2_RGB.tif',
        '0003_s01c2_SAR.tif']
    assert train.num_ids == 2  # ids 4 and 5, labels 0 and 1
    assert {(info['identity'], info['gt_label'])
            for info in infos(train)} == {(4, 0), (5, 1)}


@pytest.mark.parametrize('val_ids, message', [
    (dict(num=16), r'16 validation identities requested .* only 15 of the '
     '21 training identities have both optical and SAR chips'),
    (dict(fraction=0.8), r'17 validation identities requested'),
    (dict(num=2, fraction=0.1), 'expected exactly one of them'),
    (dict(seed=1), 'expected exactly one of them'),
    (dict(num=0), 'num=0; expected an integer >= 1'),
    (dict(num=2.5), 'num=2.5; expected an integer >= 1'),
    (dict(fraction=1.0), r'fraction=1.0; expected in \(0, 1\)'),
    (dict(num=2, seed=-1), 'seed=-1'),
    (dict(num=2, sed=1), r"unknown keys \['sed'\]"),
])
def test_impossible_requests_are_refused(hoss_root, val_ids, message):
    for which in ('train', 'val'):
        with pytest.raises(ValueError, match=message):
            HOSSDataset(str(hoss_root), split=which, val_ids=val_ids)


def test_holding_out_every_identity_is_refused(tmp_path):
    root = make_train_folder(tmp_path / 'hoss', {1: 'RGB SAR', 2: 'SAR RGB'})
    with pytest.raises(ValueError, match='holding out 2 of the 2 training '
                       'identities leaves none for training'):
        HOSSDataset(str(root), split='train', val_ids=dict(num=2))


def test_val_split_needs_val_ids_and_test_refuses_them(hoss_root):
    with pytest.raises(ValueError, match="split='val'.* needs val_ids"):
        HOSSDataset(str(hoss_root), split='val')
    with pytest.raises(ValueError, match="split='test'.*val_ids only"):
        HOSSDataset(str(hoss_root), split='test', val_ids=dict(num=2))
