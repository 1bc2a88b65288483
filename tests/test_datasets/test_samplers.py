"""The identity samplers: composition, determinism, length, ranks."""
import pytest

from sdfnet_mm.datasets import (CrossModalIdentitySampler, HOSSDataset,
                                RandomIdentitySampler)
from sdfnet_mm.datasets.samplers import identity_sampler as samplers_module


@pytest.fixture(scope='module')
def train_set(hoss_root):
    return HOSSDataset(str(hoss_root), split='train')


def infos_of(dataset):
    return [dataset.get_data_info(i) for i in range(len(dataset))]


def batches(sampler):
    indices = list(sampler)
    size = sampler.batch_size
    return [indices[i:i + size] for i in range(0, len(indices), size)]


@pytest.mark.parametrize('num_ids, per_modality', [(4, 2), (3, 1), (8, 2)])
def test_batch_composition(train_set, num_ids, per_modality):
    infos = infos_of(train_set)
    both = {
        label
        for label in {i['gt_label'] for i in infos} if {
            i['modality']
            for i in infos if i['gt_label'] == label
        } == {0, 1}
    }
    sampler = CrossModalIdentitySampler(
        train_set, num_ids=num_ids, num_per_modality=per_modality, seed=3)
    k = 2 * per_modality
    for batch in batches(sampler):
        assert len(batch) == num_ids * k
        groups = [batch[i:i + k] for i in range(0, len(batch), k)]
        labels = [{infos[j]['gt_label'] for j in g} for g in groups]
        assert all(len(lab) == 1 for lab in labels)  # one id per group
        assert len({lab.pop() for lab in labels}) == num_ids  # distinct ids
        for group in groups:
            label = infos[group[0]]['gt_label']
            mods = [infos[j]['modality'] for j in group]
            if label in both:
                assert mods == [0] * per_modality + [1] * per_modality
            else:  # 'fill': all from the one modality it has (optical)
                assert mods == [0] * k
        assert {infos[j]['modality'] for j in batch} == {0, 1} or len(
            both) == 0


def test_group_prefers_distinct_images(train_set):
    """An id with 2 optical chips gives both when K/2 = 2; its single SAR
    chip is repeated (drawn with replacement)."""
    infos = infos_of(train_set)
    sampler = CrossModalIdentitySampler(
        train_set, num_ids=4, num_per_modality=2, seed=0)
    for batch in batches(sampler):
        for g in range(0, len(batch), 4):
            group = batch[g:g + 4]
            if infos[group[0]]['modality'] == infos[group[2]]['modality']:
                continue  # an optical-only id
            assert group[0] != group[1]  # 2 optical chips, both used
            assert group[2] == group[3]  # 1 SAR chip, repeated


def test_drop_policy_leaves_out_incomplete_ids(train_set):
    infos = infos_of(train_set)
    sampler = CrossModalIdentitySampler(
        train_set, num_ids=4, num_per_modality=1, incomplete_ids='drop',
        seed=0)
    assert len(sampler.identities) == 15  # 6 ids of the samples lack SAR
    for batch in batches(sampler):
        mods = [infos[j]['modality'] for j in batch]
        assert mods == [0, 1] * 4


@pytest.mark.parametrize('sampler_type',
                         [CrossModalIdentitySampler, RandomIdentitySampler])
def test_deterministic_and_epoch_dependent(train_set, sampler_type):
    a = sampler_type(train_set, num_ids=4, seed=11)
    b = sampler_type(train_set, num_ids=4, seed=11)
    assert list(a) == list(b)
    first = list(a)
    a.set_epoch(1)
    assert list(a) != first
    b.set_epoch(1)
    assert list(a) == list(b)
    c = sampler_type(train_set, num_ids=4, seed=12)
    assert list(c) != first


@pytest.mark.parametrize('num_ids, per_modality', [(4, 2), (5, 1), (8, 2),
                                                   (21, 1)])
def test_len_equals_iteration(train_set, num_ids, per_modality):
    sampler = CrossModalIdentitySampler(
        train_set, num_ids=num_ids, num_per_modality=per_modality, seed=0)
    for epoch in range(3):
        sampler.set_epoch(epoch)
        assert len(list(sampler)) == len(sampler)
    # 21 ids: ceil(21 / P) batches of P * K images.
    expected = -(-21 // num_ids) * num_ids * 2 * per_modality
    assert len(sampler) == expected


def two_rank_samplers(sampler_type, train_set, monkeypatch):
    """The sampler of rank 0 and of rank 1 of 2 processes, in epoch 2."""
    for rank in range(2):
        monkeypatch.setattr(samplers_module, 'get_dist_info',
                            lambda rank=rank: (rank, 2))
        sampler = sampler_type(train_set, num_ids=4, seed=5)
        sampler.set_epoch(2)
        yield sampler


def test_two_ranks_disjoint_and_cover_epoch(train_set, monkeypatch):
    infos = infos_of(train_set)
    per_rank = []
    for sampler in two_rank_samplers(CrossModalIdentitySampler, train_set,
                                     monkeypatch):
        indices = list(sampler)
        assert len(indices) == len(sampler) == 3 * 16  # ceil(10 / 4) = 3
        per_rank.append({infos[j]['gt_label'] for j in indices})
        for batch in batches(sampler):
            assert {infos[j]['modality'] for j in batch} == {0, 1}
    assert not per_rank[0] & per_rank[1]
    assert len(per_rank[0]) == len(per_rank[1]) == 10
    # 21 ids over 2 ranks: one id (a different one each epoch) rests.
    assert len(per_rank[0] | per_rank[1]) == 20


def test_too_few_ids_per_rank_refused(train_set, monkeypatch):
    monkeypatch.setattr(samplers_module, 'get_dist_info', lambda: (0, 4))
    with pytest.raises(ValueError, match='5 per process, fewer than'):
        CrossModalIdentitySampler(train_set, num_ids=8, seed=0)


# --------------------------------------------------------------------------
# RandomIdentitySampler: the authors' P x K sampler without modality balance.


class Listed:
    """A training set given as (label, modality) per index."""

    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def get_data_info(self, index):
        label, modality = self.items[index]
        return dict(gt_label=label, modality=modality)


def chunks_by_hand(infos, k):
    """sum over ids of max(n, K) // K: the authors' epoch estimate / K."""
    counts = {}
    for info in infos:
        counts[info['gt_label']] = counts.get(info['gt_label'], 0) + 1
    return sum(max(n, k) // k for n in counts.values())


def check_pk_batches(sampler, infos):
    """P distinct ids per batch, K consecutive images of one id each."""
    k = sampler.num_instances
    for batch in batches(sampler):
        assert len(batch) == sampler.num_ids * k
        groups = [batch[i:i + k] for i in range(0, len(batch), k)]
        labels = [{infos[j]['gt_label'] for j in g} for g in groups]
        assert all(len(lab) == 1 for lab in labels)
        assert len({lab.pop() for lab in labels}) == sampler.num_ids


def test_authors_sampler_epoch_on_the_samples(train_set):
    """21 ids of 1-3 chips: one chunk of 4 each (drawn with replacement),
    21 chunks -> 2 batches of 8 ids (the authors' loop stops when 5 ids
    are left); every id at most once per epoch."""
    infos = infos_of(train_set)
    assert chunks_by_hand(infos, 4) == 21
    sampler = RandomIdentitySampler(train_set, num_ids=8, num_instances=4,
                                    seed=0)
    assert sampler.num_chunks == 21 and len(sampler) == 2 * 32
    for epoch in range(3):
        sampler.set_epoch(epoch)
        indices = list(sampler)
        assert len(indices) == len(sampler)
        check_pk_batches(sampler, infos)
        labels = [infos[j]['gt_label'] for j in indices[::4]]
        assert len(set(labels)) == len(labels) == 16
        for g in range(0, len(indices), 4):
            label = infos[indices[g]]['gt_label']
            assert all(infos[j]['gt_label'] == label
                       for j in indices[g:g + 4])


@pytest.mark.parametrize('num_ids, k, chunks', [(4, 4, 21), (4, 2, 21),
                                               (8, 1, 56), (3, 3, 21)])
def test_authors_sampler_length_by_hand(train_set, num_ids, k, chunks):
    infos = infos_of(train_set)
    assert chunks_by_hand(infos, k) == chunks
    sampler = RandomIdentitySampler(train_set, num_ids=num_ids,
                                    num_instances=k, seed=1)
    assert sampler.batch_size == num_ids * k
    assert len(sampler) == chunks // num_ids * num_ids * k
    for epoch in range(3):
        sampler.set_epoch(epoch)
        assert len(list(sampler)) == len(sampler)
        check_pk_batches(sampler, infos)


def test_authors_sampler_chunks_without_replacement_when_enough():
    """An id of 10 images gives 2 chunks of distinct images per epoch (the
    last 2 dropped); one of 2 images gives 4 draws from those 2."""
    items = [(0, 0)] * 10 + [(1, 1)] * 2 + [(i, 0) for i in range(2, 8)]
    sampler = RandomIdentitySampler(Listed(items), num_ids=2,
                                    num_instances=4, seed=0)
    assert sampler.num_chunks == 2 + 1 + 6 and len(sampler) == 4 * 8
    for epoch in range(5):
        sampler.set_epoch(epoch)
        indices = list(sampler)
        own = [indices[g:g + 4] for g in range(0, len(indices), 4)
               if items[indices[g]][0] == 0]
        if len(own) == 2:  # both chunks of id 0 used this epoch
            assert len(set(own[0] + own[1])) == 8
        for chunk in own:
            assert len(set(chunk)) == 4 and all(i < 10 for i in chunk)
        for g in range(0, len(indices), 4):
            if items[indices[g]][0] == 1:
                assert set(indices[g:g + 4]) <= {10, 11}


def test_authors_sampler_keeps_its_length_when_the_draw_stalls():
    """9 ids: id 0 with 40 images (10 chunks), 8 with 4 (one chunk): 18
    chunks -> 2 batches of 8 ids. The authors' loop would stop after one
    batch when id 0 was not picked first; here exhausted ids get fresh
    chunks, so every epoch has 2 full batches of 8 distinct ids."""
    items = [(0, 0)] * 40 + [(i, i % 2) for i in range(1, 9) for _ in
                             range(4)]
    infos = [dict(gt_label=label, modality=m) for label, m in items]
    sampler = RandomIdentitySampler(Listed(items), num_ids=8, seed=0)
    assert len(sampler) == 2 * 32
    for epoch in range(10):
        sampler.set_epoch(epoch)
        assert len(list(sampler)) == 64
        check_pk_batches(sampler, infos)


def test_authors_sampler_one_and_two_processes(train_set, monkeypatch):
    """One process: all 21 ids, 21 // 4 = 5 batches. Two: 10 ids each,
    disjoint, 21 // (4 x 2) = 2 batches of 4 ids on each."""
    infos = infos_of(train_set)
    single = RandomIdentitySampler(train_set, num_ids=4, seed=5)
    single.set_epoch(2)
    assert len(list(single)) == len(single) == 5 * 16
    per_rank = []
    for sampler in two_rank_samplers(RandomIdentitySampler, train_set,
                                     monkeypatch):
        indices = list(sampler)
        assert len(indices) == len(sampler) == 2 * 16
        check_pk_batches(sampler, infos)
        per_rank.append({infos[j]['gt_label'] for j in indices})
        assert len(per_rank[-1]) == 8  # 8 of its 10 ids
    assert not per_rank[0] & per_rank[1]


def test_authors_sampler_refuses_too_few_ids_per_process(train_set,
                                                        monkeypatch):
    monkeypatch.setattr(samplers_module, 'get_dist_info', lambda: (0, 4))
    with pytest.raises(ValueError, match='RandomIdentitySampler: 21 usable '
                       'identities over 4 process.*5 per process, fewer '
                       'than num_ids=8'):
        RandomIdentitySampler(train_set, seed=0)
