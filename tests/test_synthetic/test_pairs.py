"""Synthetic pre-training pairs: layout, formats, co-registration,
determinism, identities apart from the ReID set, CLI."""
import filecmp
import os
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from sdfnet_mm.chips import parse_pair_name
from sdfnet_mm.datasets import OptiSARPairDataset
from sdfnet_mm.structures import OPTICAL, SAR
from sdfnet_mm.synthetic import (PairSpec, generate_pairs, plan_pairs,
                                 sample_scene, ship_of)
from tool_loading import load_tool

SPEC = PairSpec(num_pairs=24, seed=1)  # as the session's synthetic_pairs_root


def images(root):
    """{(folder, pair id, modality): PIL image} of a generated set."""
    found = {}
    for folder in sorted(os.listdir(root)):
        for name in sorted(os.listdir(root / folder)):
            pair_id, modality = parse_pair_name(name)
            img = Image.open(root / folder / name)
            img.load()
            found[folder, pair_id, modality] = img
    return found


def test_layout_kinds_and_formats(synthetic_pairs_root):
    found = images(synthetic_pairs_root)
    kinds = Counter(folder for folder, _, modality in found
                    if modality == OPTICAL)
    assert kinds == {'ship': 12, 'harbour': 6, 'land': 6}
    assert {pair_id for _, pair_id, _ in found} == set(range(1, 25))
    for (folder, pair_id, modality), img in found.items():
        assert os.path.basename(img.filename).startswith(
            f'{folder}_{pair_id:06d}_')
        png = folder == 'land'
        assert img.format == ('PNG' if png else 'TIFF')
        if modality == OPTICAL:
            assert img.mode == 'RGB'
        else:
            assert img.mode == ('L' if png else 'F')
            if not png:
                amplitude = np.asarray(img)
                assert np.isfinite(amplitude).all() and amplitude.min() > 0


def test_pairs_are_co_registered(synthetic_pairs_root):
    """Both images of a pair share the pixel grid: the same size and, for
    ships at sea, the hull across the same columns (correlated column
    profiles of the optical brightness and the SAR dB amplitude)."""
    found = images(synthetic_pairs_root)
    correlations = []
    for (folder, pair_id, modality), optical in found.items():
        if modality != OPTICAL:
            continue
        sar = found[folder, pair_id, SAR]
        assert optical.size == sar.size
        if folder == 'ship':  # the ship against the dark sea, in both
            columns_optical = np.asarray(optical, float).mean(axis=(0, 2))
            columns_sar = np.log(np.asarray(sar, float)).mean(axis=0)
            correlations.append(
                np.corrcoef(columns_optical, columns_sar)[0, 1])
    assert np.median(correlations) > 0.5


def test_dataset_reads_the_set(synthetic_pairs_root):
    dataset = OptiSARPairDataset(str(synthetic_pairs_root))
    assert dataset.num_ids == 24 and dataset.num_pairs == 24


def test_same_seed_same_bytes_any_workers(synthetic_pairs_root, tmp_path):
    generate_pairs(str(tmp_path / 'again'), SPEC, workers=2)
    for folder in os.listdir(synthetic_pairs_root):
        names = sorted(os.listdir(synthetic_pairs_root / folder))
        assert names == sorted(os.listdir(tmp_path / 'again' / folder))
        _, mismatch, errors = filecmp.cmpfiles(
            synthetic_pairs_root / folder, tmp_path / 'again' / folder,
            names, shallow=False)
        assert mismatch == [] and errors == []
    assert not (tmp_path / 'again.partial').exists()


def test_other_seed_other_scenes():
    first = plan_pairs(SPEC)
    other = plan_pairs(replace(SPEC, seed=2))
    assert [j.kind for j in first] != [j.kind for j in other]
    rng = np.random.default_rng
    ships = [sample_scene('ship', rng(j.key)).ship.length for j in first[:6]]
    others = [sample_scene('ship', rng(j.key)).ship.length
              for j in other[:6]]
    assert ships != others


def test_pair_ships_are_not_reid_identities():
    """The ReID set's ship of id i (seed s) is drawn from (s, 1, i); a pair's
    from (s, 11, i): no pair ship equals a ReID ship of the same seed."""
    reid = {round(ship_of((1, 1, i)).length, 6) for i in range(1, 301)}
    for job in plan_pairs(PairSpec(num_pairs=200, seed=1)):
        if job.kind != 'land':
            scene = sample_scene(job.kind, np.random.default_rng(job.key))
            assert round(scene.ship.length, 6) not in reid


def test_scene_kinds_hold_what_they_say():
    rng = np.random.default_rng
    harbour = sample_scene('harbour', rng(3))
    assert harbour.ship is not None and harbour.structures
    assert [p.material for p in harbour.ground] == ['water', 'concrete']
    land = sample_scene('land', rng(4))
    assert land.ship is None
    assert land.ground[0].material in ('grass', 'soil', 'crop')
    with pytest.raises(ValueError, match="unknown kind 'forest'"):
        sample_scene('forest', rng(0))


def test_refusals(tmp_path, synthetic_pairs_root):
    with pytest.raises(ValueError, match='num_pairs=0'):
        PairSpec(num_pairs=0)
    with pytest.raises(ValueError, match="kind 'moon'"):
        PairSpec(kinds=(('moon', 1.0), ))
    with pytest.raises(ValueError, match='sum to 0'):
        PairSpec(kinds=(('ship', 0.0), ))
    with pytest.raises(ValueError, match='workers=0'):
        generate_pairs(str(tmp_path / 'x'), SPEC, workers=0)
    with pytest.raises(FileExistsError, match='exists'):
        generate_pairs(str(synthetic_pairs_root), SPEC)


def test_cli_writes_the_layout(tmp_path, capsys):
    tool = load_tool('tools/make_synthetic_pairs.py')
    assert tool.parse_args([]).out == 'data/synthetic_pairs'
    out = tmp_path / 'cli'
    tool.main(['--out', str(out), '--num-pairs', '4', '--seed', '3',
               '--kinds', 'ship=1,land=1', '--workers', '1'])
    assert 'wrote 4 pairs (8 images)' in capsys.readouterr().out
    assert sorted(os.listdir(out)) == ['land', 'ship']
    assert len(OptiSARPairDataset(str(out))) == 8
    with pytest.raises(SystemExit):
        tool.parse_args(['--kinds', 'ship:1'])
