"""Synthetic HOSS generator: layout, formats, physics, determinism, CLI."""
import filecmp
import os
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tool_loading import load_tool

from sdfnet_mm.chips import GSD_M, parse_hoss_name
from sdfnet_mm.chips.hoss_name import IDENTITY_NAME
from sdfnet_mm.datasets import HOSSDataset
from sdfnet_mm.structures import OPTICAL, SAR
from sdfnet_mm.synthetic import (CHIP_HEIGHT, CHIP_WIDTH, SHIP_CLASSES,
                                 SyntheticSpec, generate, plan_dataset,
                                 sample_ship, ship_of)
from sdfnet_mm.synthetic.writer import SPLIT_DIRS

# 6 train + 6 test identities, 2 optical + 2 SAR per train identity.
TINY = SyntheticSpec(num_ids=12, seed=7, test_fraction=0.5,
                     train_per_modality=2, num_distractors=4)


@pytest.fixture(scope='module')
def tiny_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp('synthetic_hoss')
    generate(str(root), TINY, workers=1)
    return root


def chips(root: Path):
    """(folder, name, parsed name) of every written chip."""
    for folder in SPLIT_DIRS:
        for name in sorted(os.listdir(root / folder)):
            yield folder, name, parse_hoss_name(name)


def read(path: Path) -> Image.Image:
    img = Image.open(path)
    img.load()
    return img


def test_layout_names_and_splits(tiny_root):
    per_id = defaultdict(list)
    for folder, _, info in chips(tiny_root):
        per_id[info.identity].append((folder, info.modality))
    distractors = per_id.pop(-1)
    assert {folder for folder, _ in distractors} == {'bounding_box_test'}
    assert sorted(m for _, m in distractors) == [OPTICAL] * 2 + [SAR] * 2
    train = {p for p, items in per_id.items()
             if {f for f, _ in items} == {'bounding_box_train'}}
    test = set(per_id) - train
    assert len(train) == len(test) == 6
    for pid in train:
        modalities = sorted(m for _, m in per_id[pid])
        assert modalities == [OPTICAL] * 2 + [SAR] * 2
    for pid in test:
        queries = [m for f, m in per_id[pid] if f == 'query']
        gallery = [m for f, m in per_id[pid] if f == 'bounding_box_test']
        assert len(queries) == 1
        other = 1 - queries[0]
        assert gallery.count(other) == TINY.gallery_cross
        assert gallery.count(queries[0]) == TINY.gallery_same
        assert not any(f == 'bounding_box_train' for f, _ in per_id[pid])


def test_both_query_modalities_have_cross_modal_matches(tiny_root):
    queries = [info for folder, _, info in chips(tiny_root)
               if folder == 'query']
    gallery = {(info.identity, info.modality)
               for folder, _, info in chips(tiny_root)
               if folder == 'bounding_box_test'}
    assert {q.modality for q in queries} == {OPTICAL, SAR}
    for q in queries:
        assert (q.identity, 1 - q.modality) in gallery


def test_pixel_formats(tiny_root):
    for folder, name, info in chips(tiny_root):
        img = read(tiny_root / folder / name)
        pixels = np.asarray(img)
        if info.modality == OPTICAL:
            assert img.mode == 'RGB' and pixels.dtype == np.uint8
            assert pixels.ndim == 3 and pixels.shape[2] == 3
        else:
            assert img.mode == 'F' and pixels.dtype == np.float32
            assert pixels.ndim == 2


def test_chip_sizes_follow_real_ranges_and_gsd(tiny_root):
    heights = defaultdict(lambda: defaultdict(list))
    for folder, name, info in chips(tiny_root):
        width, height = read(tiny_root / folder / name).size
        assert CHIP_HEIGHT[0] <= height <= CHIP_HEIGHT[1]
        assert CHIP_WIDTH[0] <= width <= CHIP_WIDTH[1]
        if info.identity >= 0:
            heights[info.identity][info.modality].append(height)
    ratios = []
    for pid, by_modality in heights.items():
        length = ship_of((TINY.seed, 1, pid)).length
        for modality, values in by_modality.items():
            # Chip length = ship length / GSD plus a few % of crop margin.
            metres = np.mean(values) * GSD_M[modality]
            assert 0.95 * length < metres < 1.2 * length, (pid, modality)
        ratios.append(np.mean(by_modality[OPTICAL]) /
                      np.mean(by_modality[SAR]))
    # Same ship: optical chip about 1.0 / 0.75 = 4/3 the SAR chip length.
    assert 1.2 < np.mean(ratios) < 1.45
    assert all(1.1 < r < 1.55 for r in ratios)


def test_sar_amplitude_positive_and_heavy_tailed(tiny_root):
    sar = [np.asarray(read(tiny_root / folder / name))
           for folder, name, info in chips(tiny_root)
           if info.modality == SAR]
    spread = []
    for amplitude in sar:
        assert np.isfinite(amplitude).all() and amplitude.min() > 0
        median = np.median(amplitude)
        spread.append(amplitude.max() / median)
        assert np.percentile(amplitude, 5) / median < 0.5  # dark sea
        assert 1.5 < amplitude.max() < 12  # the real chips: about 1.4-11
    # Bright hull and corners over the median pixel; real chips: 3 to 84,
    # median 21.
    assert min(spread) > 3 and np.median(spread) > 8
    pooled = np.concatenate([a.ravel() for a in sar])
    assert pooled.min() < 0.01 and pooled.max() > 4
    assert np.mean(pooled) > 1.5 * np.median(pooled)  # right-skewed


def test_hoss_dataset_reads_the_output(tiny_root):
    train = HOSSDataset(data_root=str(tiny_root), split='train')
    test = HOSSDataset(data_root=str(tiny_root), split='test')
    assert len(train) == 6 * 4 and train.num_ids == 6
    infos = [test.get_data_info(i) for i in range(len(test))]
    assert sum(i['is_query'] for i in infos) == 6
    assert len(infos) == 6 * (1 + 3) + 4
    assert sum(i['gt_label'] == -1 for i in infos) == 4


def test_same_seed_same_bytes_any_workers(tiny_root, tmp_path):
    generate(str(tmp_path / 'again'), TINY, workers=2)
    for folder in SPLIT_DIRS:
        names = sorted(os.listdir(tiny_root / folder))
        assert names == sorted(os.listdir(tmp_path / 'again' / folder))
        _, mismatch, errors = filecmp.cmpfiles(
            tiny_root / folder, tmp_path / 'again' / folder, names,
            shallow=False)
        assert mismatch == [] and errors == []


def test_other_seed_other_data(tiny_root, tmp_path):
    generate(str(tmp_path / 'other'), replace(TINY, seed=TINY.seed + 1))
    common = 0
    for folder in SPLIT_DIRS:
        for name in os.listdir(tmp_path / 'other' / folder):
            if (tiny_root / folder / name).exists():
                common += 1
                assert not filecmp.cmp(tmp_path / 'other' / folder / name,
                                       tiny_root / folder / name,
                                       shallow=False)
    assert common >= TINY.distractors  # distractor names always coincide


def test_ships_are_rigid_and_classes_recur():
    ships = [sample_ship(np.random.default_rng((0, 1, i)))
             for i in range(200)]
    assert {s.ship_class for s in ships} == set(SHIP_CLASSES)
    for ship in ships:
        for box in ship.boxes:
            x, y = box.centre
            assert abs(y) <= ship.length / 2
            assert abs(x) <= ship.half_width(np.array(y)) + 1e-6
        assert 3.5 < ship.length / ship.beam < 9.6
    # Same key, same ship: the identity does not change between images.
    again = sample_ship(np.random.default_rng((0, 1, 3)))
    assert again.length == ships[3].length
    assert again.boxes == ships[3].boxes


def test_refusals(tmp_path, tiny_root):
    with pytest.raises(ValueError, match='num_ids'):
        SyntheticSpec(num_ids=1)
    with pytest.raises(ValueError, match='test_fraction'):
        SyntheticSpec(test_fraction=1.0)
    with pytest.raises(ValueError, match='empty split'):
        SyntheticSpec(num_ids=2, test_fraction=0.1)
    with pytest.raises(ValueError, match='workers'):
        generate(str(tmp_path), TINY, workers=0)
    with pytest.raises(FileExistsError, match='not empty'):
        generate(str(tiny_root), TINY)


def test_plan_is_hoss_like():
    jobs = plan_dataset(SyntheticSpec(num_ids=30, seed=1))
    names = [job.name for job in jobs]
    assert len(set(names)) == len(names)
    captures = defaultdict(list)
    passes = defaultdict(list)
    for job in jobs:
        if job.identity >= 0:
            sequence, capture = IDENTITY_NAME.match(job.name).group(2, 3)
            captures[job.identity].append((int(sequence), int(capture)))
            passes[job.identity, job.modality].append(job.acquisition)
    for items in captures.values():
        assert len({sequence for sequence, _ in items}) == 1  # one campaign
        assert sorted(capture for _, capture in items) == list(
            range(1, len(items) + 1))
    # Optical chips come in pairs from one pass; SAR chips one per pass.
    for (_, modality), acquisitions in passes.items():
        count = len(acquisitions)
        expected = (np.arange(count) // 2 if modality == OPTICAL else
                    np.arange(count))
        assert acquisitions == expected.tolist()


def test_cli_writes_the_layout(tmp_path, capsys):
    tool = load_tool('tools/make_synthetic_hoss.py')
    assert tool.parse_args([]).out == 'data/synthetic_hoss'
    out = tmp_path / 'cli'
    tool.main(['--out', str(out), '--num-ids', '4', '--seed', '3',
               '--test-fraction', '0.5', '--train-per-modality', '1',
               '--workers', '1'])
    assert 'wrote' in capsys.readouterr().out
    assert len(HOSSDataset(data_root=str(out), split='train')) == 2 * 2
    with pytest.raises(ValueError, match='num_ids'):
        tool.main(['--out', str(tmp_path / 'bad'), '--num-ids', '0'])
