"""OptiSARPairSampler: batch layout, one pair per id, epochs, ranks."""
from collections import Counter

import pytest

from sdfnet_mm.datasets import OptiSARPairSampler
from sdfnet_mm.datasets.samplers import optisar_pair_sampler as sampler_module


class Chips:
    """A dataset of chips: {pair label: (optical count, SAR count)}."""

    def __init__(self, counts):
        self.infos = [dict(gt_label=label, modality=modality)
                      for label, sides in sorted(counts.items())
                      for modality, count in enumerate(sides)
                      for _ in range(count)]

    def __len__(self):
        return len(self.infos)

    def get_data_info(self, index):
        return self.infos[index]


#: 30 ids: most with one pair, id 0 with 3 x 2 = 6 pairs, id 1 with 2 x 1.
COUNTS = {label: (1, 1) for label in range(30)}
COUNTS.update({0: (3, 2), 1: (2, 1)})


def pairs_of(sampler, dataset):
    """Per batch, the (optical, SAR) index pairs in their rows."""
    indices = list(sampler)
    size = sampler.batch_size
    half = size // 2
    batches = [indices[i:i + size] for i in range(0, len(indices), size)]
    return [list(zip(b[:half], b[half:])) for b in batches]


def with_ranks(monkeypatch, rank, world_size):
    monkeypatch.setattr(sampler_module, 'get_dist_info',
                        lambda: (rank, world_size))


def test_batches_are_optical_then_their_sar_partners():
    dataset = Chips(COUNTS)
    sampler = OptiSARPairSampler(dataset, num_pairs=4, seed=0)
    assert sampler.batch_size == 8
    infos = dataset.infos
    for batch in pairs_of(sampler, dataset):
        assert len(batch) == 4
        for optical, sar in batch:
            assert infos[optical]['modality'] == 0
            assert infos[sar]['modality'] == 1
            assert infos[optical]['gt_label'] == infos[sar]['gt_label']
        labels = [infos[o]['gt_label'] for o, _ in batch]
        assert len(set(labels)) == 4  # one pair per id in a batch


def test_epoch_visits_pairs_once_capped_per_id():
    """36 pairs, 4 per batch: B = 9 batches use them all, each once (id
    0's six pairs in six different batches)."""
    dataset = Chips(COUNTS)
    sampler = OptiSARPairSampler(dataset, num_pairs=4, seed=0)
    assert sampler.batches_per_epoch == 9 and len(sampler) == 9 * 8
    seen = Counter(pair for batch in pairs_of(sampler, dataset)
                   for pair in batch)
    assert max(seen.values()) == 1 and sum(seen.values()) == 36


def test_cap_when_one_id_has_many_pairs():
    """Id 0 has 5 x 5 = 25 pairs, ids 1-5 one each: 30 pairs, but B
    batches of 2 distinct ids take at most B of id 0, so B + 5 >= 2 B:
    B = 5, and id 0 is in every batch."""
    dataset = Chips({0: (5, 5), **{i: (1, 1) for i in range(1, 6)}})
    sampler = OptiSARPairSampler(dataset, num_pairs=2, seed=1)
    assert sampler.batches_per_epoch == 5
    batches = pairs_of(sampler, dataset)
    labels = [[dataset.infos[o]['gt_label'] for o, _ in b] for b in batches]
    assert all(0 in b and len(set(b)) == 2 for b in labels)
    assert len({p for b in batches for p in b}) == 10


def test_deterministic_per_seed_and_epoch():
    dataset = Chips(COUNTS)
    first = OptiSARPairSampler(dataset, num_pairs=4, seed=5)
    again = OptiSARPairSampler(dataset, num_pairs=4, seed=5)
    assert list(first) == list(again)
    other_seed = OptiSARPairSampler(dataset, num_pairs=4, seed=6)
    assert list(first) != list(other_seed)
    epoch0 = list(first)
    first.set_epoch(1)
    again.set_epoch(1)
    assert list(first) == list(again) != epoch0


def test_ranks_take_disjoint_slices_of_the_global_batches(monkeypatch):
    dataset = Chips(COUNTS)
    with_ranks(monkeypatch, 0, 1)
    single = OptiSARPairSampler(dataset, num_pairs=6, seed=2)
    global_batches = pairs_of(single, dataset)
    slices = []
    for rank in range(2):
        with_ranks(monkeypatch, rank, 2)
        sampler = OptiSARPairSampler(dataset, num_pairs=3, seed=2)
        assert len(sampler) == len(single) // 2
        slices.append(pairs_of(sampler, dataset))
    for batch, zero, one in zip(global_batches, *slices):
        assert batch == zero + one  # the same global batch, split by rank
    mine = [{p for b in s for p in b} for s in slices]
    assert not mine[0] & mine[1]


def test_refusals(monkeypatch):
    with pytest.raises(ValueError, match='num_pairs=0'):
        OptiSARPairSampler(Chips(COUNTS), num_pairs=0, seed=0)
    with pytest.raises(ValueError, match=r'labels \[3\]'):
        OptiSARPairSampler(Chips({**COUNTS, 3: (2, 0)}), num_pairs=2, seed=0)
    with_ranks(monkeypatch, 0, 4)
    with pytest.raises(ValueError, match='30 pair ids cannot fill one global'
                       r' batch of 8 pairs x 4 process\(es\) = 32'):
        OptiSARPairSampler(Chips(COUNTS), num_pairs=8, seed=0)
