"""CrossModalIdentitySampler: composition, determinism, length, ranks."""
import pytest

from sdfnet_mm.datasets import CrossModalIdentitySampler, HOSSDataset
from sdfnet_mm.datasets import samplers as samplers_module


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


def test_deterministic_and_epoch_dependent(train_set):
    a = CrossModalIdentitySampler(train_set, num_ids=4, seed=11)
    b = CrossModalIdentitySampler(train_set, num_ids=4, seed=11)
    assert list(a) == list(b)
    first = list(a)
    a.set_epoch(1)
    assert list(a) != first
    b.set_epoch(1)
    assert list(a) == list(b)
    c = CrossModalIdentitySampler(train_set, num_ids=4, seed=12)
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


def test_two_ranks_disjoint_and_cover_epoch(train_set, monkeypatch):
    infos = infos_of(train_set)
    per_rank = []
    for rank in range(2):
        monkeypatch.setattr(samplers_module, 'get_dist_info',
                            lambda rank=rank: (rank, 2))
        sampler = CrossModalIdentitySampler(train_set, num_ids=4, seed=5)
        sampler.set_epoch(2)
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
