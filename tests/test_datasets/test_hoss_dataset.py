"""HOSSDataset on the real HOSS samples, and its refusals of bad input."""
import csv
import os
from collections import Counter

import numpy as np
import pytest
from PIL import Image

from sdfnet_mm.datasets import HOSSDataset


def manifest_rows(root):
    """(folder, file name, H, W) of every sample, read from MANIFEST.tsv."""
    with open(root / 'MANIFEST.tsv') as f:
        for row in csv.DictReader(f, delimiter='\t'):
            folder, name = row['path'].split('/')
            yield folder, name, int(row['H']), int(row['W'])


def test_counts_per_split_and_modality(hoss_root):
    train = HOSSDataset(str(hoss_root), split='train')
    test = HOSSDataset(str(hoss_root), split='test')
    assert len(train) == 56 and len(test) == 31 + 78

    def count(ds, **where):
        return sum(
            all(ds.get_data_info(i)[k] == v for k, v in where.items())
            for i in range(len(ds)))

    # Counted by hand from the file listing of the samples.
    assert count(train, modality=0) == 41 and count(train, modality=1) == 15
    assert count(test, is_query=True, modality=0) == 18
    assert count(test, is_query=True, modality=1) == 13
    assert count(test, is_query=False, modality=0) == 52
    assert count(test, is_query=False, modality=1) == 26
    assert count(test, gt_label=-1) == 18  # 8 optical + 10 SAR distractors
    assert count(test, gt_label=-1, is_query=True) == 0


def test_train_ids_relabelled_in_sorted_order(hoss_root):
    train = HOSSDataset(str(hoss_root), split='train')
    infos = [train.get_data_info(i) for i in range(len(train))]
    raw_ids = sorted({info['identity'] for info in infos})
    assert len(raw_ids) == 21 and train.num_ids == 21
    assert raw_ids[:3] == [1, 4, 5] and raw_ids[-1] == 104
    for info in infos:
        assert info['gt_label'] == raw_ids.index(info['identity'])
    assert 'is_query' not in infos[0]


def test_test_ids_kept_and_marked(hoss_root):
    test = HOSSDataset(str(hoss_root), split='test')
    info = next(
        test.get_data_info(i) for i in range(len(test))
        if test.get_data_info(i)['img_path'].endswith('0113_s04c1_RGB.tif'))
    assert info['gt_label'] == 113 and info['is_query'] is True
    assert info['settings'] == ('all', )  # no subset/ folders in samples


def test_chip_sizes_match_manifest(hoss_root):
    test = HOSSDataset(str(hoss_root), split='test')
    train = HOSSDataset(str(hoss_root), split='train')
    by_path = {}
    for ds in (train, test):
        for i in range(len(ds)):
            info = ds.get_data_info(i)
            rel = os.path.relpath(info['img_path'], hoss_root)
            by_path[tuple(rel.split(os.sep))] = info
    rows = list(manifest_rows(hoss_root))
    assert len(rows) == len(by_path) == 165
    for folder, name, height, width in rows:
        info = by_path[(folder, name)]
        gsd = 0.75 if name.endswith('_RGB.tif') else 1.0
        assert info['chip_size_m'] == pytest.approx((height * gsd,
                                                     width * gsd))


def test_ship_size_vector_by_hand(hoss_root):
    test = HOSSDataset(str(hoss_root), split='test')
    infos = {
        os.path.basename(test.get_data_info(i)['img_path']):
        test.get_data_info(i)
        for i in range(len(test))
    }
    # Optical 58 x 322 px -> 43.5 x 241.5 m:
    # (43.5/93 - .434)/.031, (241.5/427 - .461)/.031, 241.5/43.5.
    optical = infos['0002_s05c1_RGB.tif']['ship_size']
    assert optical == pytest.approx((1.088450, 3.373347, 5.551724), abs=1e-5)
    # SAR 49 x 230 px -> 49 x 230 m.
    sar = infos['0002_s05c2_SAR.tif']['ship_size']
    assert sar == pytest.approx((2.996185, 2.504571, 4.693878), abs=1e-5)


# ---------------------------------------------------------------- bad input
def write_optical(path, height=40, width=12):
    Image.fromarray(np.zeros((height, width, 3), np.uint8)).save(path)


def write_sar(path, height=30, width=10):
    Image.fromarray(np.ones((height, width), np.float32), 'F').save(path)


def make_layout(root, folders=('bounding_box_train', 'query',
                               'bounding_box_test')):
    for folder in folders:
        (root / folder).mkdir(parents=True)
        write_optical(root / folder / '0001_s01c1_RGB.tif')
        write_sar(root / folder / '0001_s01c2_SAR.tif')
    return root


def test_missing_root_named(tmp_path):
    missing = tmp_path / 'nowhere'
    with pytest.raises(FileNotFoundError, match=str(missing)):
        HOSSDataset(str(missing), split='train')


def test_missing_split_folder_named(tmp_path):
    root = make_layout(tmp_path / 'hoss', folders=('bounding_box_train', ))
    with pytest.raises(FileNotFoundError, match='query'):
        HOSSDataset(str(root), split='test')


def test_unknown_split_refused(tmp_path):
    with pytest.raises(ValueError, match='unknown split'):
        HOSSDataset(str(tmp_path), split='validation')


def test_empty_split_named(tmp_path):
    root = tmp_path / 'hoss'
    (root / 'bounding_box_train').mkdir(parents=True)
    with pytest.raises(ValueError, match='bounding_box_train is empty'):
        HOSSDataset(str(root), split='train')


def test_bad_name_in_folder_named(tmp_path):
    root = make_layout(tmp_path / 'hoss')
    write_optical(root / 'bounding_box_train' / 'ship_7.tif')
    with pytest.raises(ValueError, match='ship_7.tif'):
        HOSSDataset(str(root), split='train')


def test_unreadable_image_named(tmp_path):
    root = make_layout(tmp_path / 'hoss')
    bad = root / 'bounding_box_train' / '0002_s01c1_RGB.tif'
    bad.write_bytes(b'not a tiff at all')
    with pytest.raises(ValueError, match='0002_s01c1_RGB.tif.*cannot read'):
        HOSSDataset(str(root), split='train')


def test_wrongly_typed_image_named(tmp_path):
    root = make_layout(tmp_path / 'hoss')
    write_optical(root / 'bounding_box_train' / '0002_s01c2_SAR.tif')
    with pytest.raises(ValueError, match='0002_s01c2_SAR.tif: TIFF uint8 with 3 '
                       r'band\(s\); HOSS chips .* float32'):
        HOSSDataset(str(root), split='train')


def test_distractor_in_train_refused(tmp_path):
    root = make_layout(tmp_path / 'hoss')
    write_sar(root / 'bounding_box_train' / '-1_0001_SAR.tif')
    with pytest.raises(ValueError, match='-1_0001_SAR.tif: a distractor'):
        HOSSDataset(str(root), split='train')


def test_subset_folders_tag_settings(tmp_path, hoss_root):
    """With subset/O2S and subset/S2O, items carry the settings they are in;
    a file listed only in a subset folder is added for that setting."""
    root = tmp_path / 'hoss'
    root.mkdir()
    for folder in ('query', 'bounding_box_test'):
        os.symlink(hoss_root / folder, root / folder)
    layout = {
        'subset/O2S/query': ['query/0002_s05c1_RGB.tif'],
        'subset/O2S/bounding_box_test': ['bounding_box_test/0002_s05c2_SAR.tif',
                                         'bounding_box_test/-1_0081_SAR.tif'],
        'subset/S2O/query': ['query/0206_s01c1_SAR.tif'],
        'subset/S2O/bounding_box_test': ['bounding_box_test/0206_s01c2_RGB.tif'],
    }
    present = set(os.listdir(hoss_root / 'query')) | set(
        os.listdir(hoss_root / 'bounding_box_test'))
    for folder, files in layout.items():
        (root / folder).mkdir(parents=True)
        for rel in files:
            name = os.path.basename(rel)
            assert name in present or name.startswith('-1'), name
            os.symlink(hoss_root / rel, root / folder / name)
    # A subset-only gallery chip (a copy under a new distractor name).
    os.symlink(hoss_root / 'bounding_box_test/-1_0082_SAR.tif',
               root / 'subset/O2S/bounding_box_test/-1_0999_SAR.tif')
    test = HOSSDataset(str(root), split='test')
    settings = {
        os.path.basename(test.get_data_info(i)['img_path']):
        test.get_data_info(i)['settings']
        for i in range(len(test))
    }
    assert len(test) == 109 + 1
    assert settings['0002_s05c1_RGB.tif'] == ('all', 'o2s')
    assert settings['-1_0081_SAR.tif'] == ('all', 'o2s')
    assert settings['-1_0999_SAR.tif'] == ('o2s', )
    assert settings['0206_s01c1_SAR.tif'] == ('all', 's2o')
    assert Counter(s for v in settings.values() for s in v) == {
        'all': 109, 'o2s': 4, 's2o': 2}
    o2s = HOSSDataset(str(root), split='o2s')
    assert len(o2s) == 4
