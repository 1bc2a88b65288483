"""Each loss against a direct, loop-based computation written here."""
import math
from pathlib import Path

import pytest
import torch

from sdfnet_mm.registry import MODELS

REPO = Path(__file__).resolve().parents[2]


def distance(a, b):
    return math.sqrt(max(sum((x - y)**2 for x, y in zip(a, b)), 1e-12))


def loop_triplet(features, labels, weighted):
    feats, labels = features.tolist(), labels.tolist()
    n = len(labels)
    terms = []
    for i in range(n):
        pos = [distance(feats[i], feats[j]) for j in range(n)
               if labels[j] == labels[i]]
        neg = [distance(feats[i], feats[j]) for j in range(n)
               if labels[j] != labels[i]]
        if not neg:
            continue
        if weighted:
            wp = [math.exp(d) for d in pos]
            wn = [math.exp(-d) for d in neg]
            ap = sum(w * d for w, d in zip(wp, pos)) / sum(wp)
            an = sum(w * d for w, d in zip(wn, neg)) / sum(wn)
        else:
            ap, an = max(pos), min(neg)
        terms.append(math.log1p(math.exp(ap - an)))
    return sum(terms) / len(terms) if terms else 0.0


def loop_orthogonal(shared, specific):
    total = 0.0
    for a, b in zip(shared.tolist(), specific.tolist()):
        na = math.sqrt(sum(x * x for x in a))
        nb = math.sqrt(sum(x * x for x in b))
        total += abs(sum(x * y for x, y in zip(a, b)) / (na * nb))
    return total / len(shared)


def loop_structure(desc, labels, modality, reduction):
    desc, labels, modality = desc.tolist(), labels.tolist(), modality.tolist()
    gaps = []
    for label in sorted(set(labels)):
        protos = []
        for m in (0, 1):
            rows = [d for d, lab, mm in zip(desc, labels, modality)
                    if lab == label and mm == m]
            if not rows:
                break
            protos.append([sum(col) / len(rows) for col in zip(*rows)])
        if len(protos) < 2:
            continue
        sq = [(x - y)**2 for x, y in zip(*protos)]
        gaps.append(sum(sq) if reduction == 'sum' else sum(sq) / len(sq))
    return sum(gaps) / len(gaps) if gaps else 0.0


def loop_label_smooth_ce(logits, labels, eps):
    total = 0.0
    for row, label in zip(logits.tolist(), labels.tolist()):
        top = max(row)
        log_z = top + math.log(sum(math.exp(v - top) for v in row))
        k = len(row)
        for c, v in enumerate(row):
            target = (1 - eps) * (c == label) + eps / k
            total -= target * (v - log_z)
    return total / len(labels)


LABEL_CASES = {
    'mixed': [0, 0, 1, 1, 2, 2, 2, 3],
    'single identity': [5, 5, 5, 5],
    'singletons': [0, 1, 2, 3],
    'duplicated samples': [1, 1, 2, 2],
}


@pytest.mark.parametrize('mining', ['hard', 'weighted'])
@pytest.mark.parametrize('case', sorted(LABEL_CASES))
def test_triplet_against_loop(mining, case):
    torch.manual_seed(0)
    labels = torch.tensor(LABEL_CASES[case])
    leaf = torch.randn(len(labels), 6, dtype=torch.float64,
                       requires_grad=True)
    features = leaf
    if case == 'duplicated samples':
        features = torch.cat([leaf[:1], leaf[:1], leaf[2:]])
    loss = MODELS.build(dict(type='TripletLoss', mining=mining,
                             loss_weight=2.0))(features, labels)
    expected = 2.0 * loop_triplet(features.detach(), labels,
                                  mining == 'weighted')
    assert loss.item() == pytest.approx(expected, rel=1e-9, abs=1e-12)
    loss.backward()  # differentiable in every case, also when it is zero
    assert torch.isfinite(leaf.grad).all()


def test_triplet_single_identity_is_zero():
    features = torch.randn(4, 3, requires_grad=True)
    for mining in ('hard', 'weighted'):
        loss = MODELS.build(dict(type='TripletLoss', mining=mining))(
            features, torch.tensor([1, 1, 1, 1]))
        assert loss.item() == 0.0 and loss.requires_grad


def test_triplet_refuses_unknown_mining():
    with pytest.raises(ValueError, match="mining='semi-hard'"):
        MODELS.build(dict(type='TripletLoss', mining='semi-hard'))


def test_weighted_triplet_hand_case():
    # 1-D features 0, 1 (id 0) and 3 (id 1). Anchor 0: positives {0, 1},
    # negatives {3}; weights softmax(d): ap = (0*e^0 + 1*e^1)/(1 + e).
    features = torch.tensor([[0.0], [1.0], [3.0]], dtype=torch.float64)
    labels = torch.tensor([0, 0, 1])
    ap0 = math.e / (1 + math.e)
    ap1 = ap0
    # anchor 2 has only itself as positive (ap ~ 1e-6) and negatives at
    # distances 3 and 2 weighted by softmax(-d).
    an2 = (3 * math.exp(-3) + 2 * math.exp(-2)) / (math.exp(-3) +
                                                   math.exp(-2))
    expected = (math.log1p(math.exp(ap0 - 3)) + math.log1p(math.exp(ap1 - 2))
                + math.log1p(math.exp(1e-6 - an2))) / 3
    loss = MODELS.build(dict(type='TripletLoss'))(features, labels)
    assert loss.item() == pytest.approx(expected, abs=1e-6)


def test_orthogonal_against_loop():
    torch.manual_seed(1)
    shared, specific = torch.randn(2, 7, 5, dtype=torch.float64)
    loss = MODELS.build(dict(type='OrthogonalLoss'))(shared, specific)
    assert loss.item() == pytest.approx(10 * loop_orthogonal(shared,
                                                             specific))
    # Hand case: orthogonal -> 0; parallel or anti-parallel -> 1.
    ortho = MODELS.build(dict(type='OrthogonalLoss', loss_weight=1.0))
    e1, e2 = torch.eye(2)
    assert ortho(e1[None], e2[None]).item() == 0.0
    assert ortho(torch.stack([e1, e1]), torch.stack([3 * e1, -e1])).item() \
        == pytest.approx(1.0)


@pytest.mark.parametrize('reduction', ['sum', 'mean'])
@pytest.mark.parametrize('labels, modality', [
    ([0, 0, 1, 1, 2, 2, 2], [0, 1, 0, 1, 0, 0, 1]),
    ([3, 3, 3, 4, 4], [0, 0, 1, 1, 1]),  # id 4 has only SAR
    ([7, 7], [1, 0]),  # a single identity
])
def test_structure_against_loop(reduction, labels, modality):
    torch.manual_seed(2)
    labels, modality = torch.tensor(labels), torch.tensor(modality)
    desc = torch.randn(len(labels), 5, dtype=torch.float64)
    loss = MODELS.build(
        dict(type='StructureConsistencyLoss', channel_reduction=reduction,
             loss_weight=0.5))(desc, labels, modality)
    expected = 0.5 * loop_structure(desc, labels, modality, reduction)
    assert loss.item() == pytest.approx(expected, rel=1e-12)


def test_structure_zero_with_one_modality():
    desc = torch.randn(4, 3, requires_grad=True)
    loss = MODELS.build(dict(type='StructureConsistencyLoss'))(
        desc, torch.tensor([0, 0, 1, 1]), torch.tensor([1, 1, 1, 1]))
    assert loss.item() == 0.0
    loss.backward()
    assert torch.equal(desc.grad, torch.zeros_like(desc))


def test_label_smoothed_ce_against_loop():
    torch.manual_seed(3)
    logits = torch.randn(6, 5, dtype=torch.float64)
    labels = torch.tensor([0, 4, 2, 2, 1, 3])
    loss = MODELS.build(dict(type='LabelSmoothLoss', label_smooth_val=0.1))(
        logits, labels)
    # MMPretrain builds the smoothed targets in float32.
    assert loss.item() == pytest.approx(
        loop_label_smooth_ce(logits, labels, 0.1), rel=1e-6)


#: Descriptors (N, 4), ids and modalities of a hand-computed batch: id 0
#: prototypes (2, 2, 2, 2) optical / (0, 2, 4, 2) SAR, squared gap
#: (4, 0, 4, 0); id 1: (1, 1, 1, 1) / (1, 2, 1, 2), gap (0, 1, 0, 1); id 2
#: has no SAR chip and is left out.
HAND_BATCH = (
    [[1, 2, 3, 4], [3, 2, 1, 0], [0, 2, 4, 2], [1, 1, 1, 1], [1, 1, 1, 3],
     [1, 3, 1, 1], [9, 9, 9, 9]],
    [0, 0, 0, 1, 1, 1, 2],
    [0, 0, 1, 0, 1, 1, 0],
)


@pytest.mark.parametrize('config', [
    'configs/sdfnet_vitb16_hoss.py',
    'configs/authors/sdfnet_vitb16_hoss_authors.py',
    'configs/demo/sdfnet_vit-tiny_synthetic.py',
    None,  # the class default
])
def test_structure_is_the_mse_of_the_prototypes(config):
    """The configs and the class default: lambda 1 times the mean over
    identities of the MSE between the prototypes: (8/4 + 2/4) / 2."""
    from mmengine.config import Config
    loss_cfg = dict(type='StructureConsistencyLoss')
    if config is not None:
        loss_cfg = Config.fromfile(REPO / config).model.structure_loss
    desc, labels, modality = (torch.tensor(x) for x in HAND_BATCH)
    loss = MODELS.build(loss_cfg)(desc.double(), labels, modality)
    assert loss.item() == 1.25
    mse = [torch.nn.functional.mse_loss(desc[:2].double().mean(0),
                                        desc[2].double()),
           torch.nn.functional.mse_loss(desc[3].double(),
                                        desc[4:6].double().mean(0))]
    assert loss.item() == pytest.approx(sum(mse).item() / 2, rel=1e-15)
    literal = MODELS.build(dict(type='StructureConsistencyLoss',
                                channel_reduction='sum'))
    assert literal(desc.double(), labels, modality).item() == 5.0  # 4x here
