"""DisentangleNeck designs and fusions, ClassTokenNeck, BNNeckHead."""
import pytest
import torch

from sdfnet_mm.models import BNNeckHead, ClassTokenNeck, DisentangleNeck


@pytest.fixture
def tokens():
    torch.manual_seed(0)
    return torch.randn(4, 7, 8)


def test_linear_heads_on_cls_token(tokens):
    neck = DisentangleNeck(8, mode='linear', fusion='sum')
    out = neck(tokens)
    cls = tokens[:, 0]
    assert torch.allclose(out.shared, neck.shared_proj(cls))
    assert torch.allclose(out.specific, neck.specific_proj(cls))
    assert torch.allclose(out.fused, out.shared + out.specific)
    assert set(neck.loss(out)) == {'loss_orth'}


def test_token_design_reads_two_tokens(tokens):
    neck = DisentangleNeck(8, mode='token', fusion='sum')
    out = neck(tokens)
    assert torch.equal(out.shared, tokens[:, 0])
    assert torch.equal(out.specific, tokens[:, 1])
    assert neck.num_tokens == 2
    assert not list(neck.parameters())  # parameter-free


@pytest.mark.parametrize('fusion, width', [('sum', 8), ('shared', 8),
                                           ('specific', 8), ('concat', 16),
                                           ('gate', 8)])
def test_fusions(tokens, fusion, width):
    neck = DisentangleNeck(8, mode='token', fusion=fusion)
    out = neck(tokens)
    sh, sp = tokens[:, 0], tokens[:, 1]
    assert out.fused.shape == (4, width) and neck.out_channels == width
    expected = {
        'sum': lambda: sh + sp,
        'shared': lambda: sh,
        'specific': lambda: sp,
        'concat': lambda: torch.cat([sh, sp], 1),
        'gate': lambda: (lambda g: g * sh + (1 - g) * sp)(
            torch.sigmoid(neck.gate(torch.cat([sh, sp], 1)))),
    }[fusion]()
    assert torch.allclose(out.fused, expected)


def test_bad_neck_options():
    with pytest.raises(ValueError, match='mode'):
        DisentangleNeck(8, mode='tokens')
    with pytest.raises(ValueError, match='fusion'):
        DisentangleNeck(8, fusion='product')


def test_class_token_neck(tokens):
    neck = ClassTokenNeck(8)
    out = neck(tokens)
    assert torch.equal(out.fused, tokens[:, 0]) and out.shared is None
    assert neck.loss(out) == {}


def test_bnneck_bias_frozen_and_test_features():
    torch.manual_seed(0)
    head = BNNeckHead(8, num_classes=3)
    head.init_weights()
    assert not head.bnneck.bias.requires_grad
    assert head.classifier.bias is None
    optimizer = torch.optim.SGD(
        [p for p in head.parameters() if p.requires_grad], lr=1.0)
    fused = torch.randn(6, 8)
    labels = torch.tensor([0, 0, 1, 1, 2, 2])
    losses = head.loss(fused, labels)
    assert set(losses) == {'loss_cls', 'loss_triplet', 'accuracy'}
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    optimizer.step()
    assert torch.equal(head.bnneck.bias, torch.zeros(8))
    head.eval()
    assert torch.allclose(head.test_embedding(fused), head.bnneck(fused))
    head.test_feature = 'pre_bn'
    assert torch.equal(head.test_embedding(fused), fused)


def test_bnneck_label_range_checked():
    head = BNNeckHead(4, num_classes=2)
    with pytest.raises(ValueError, match='num_classes=2'):
        head.loss(torch.randn(2, 4), torch.tensor([0, 5]))
