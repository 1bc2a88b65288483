"""SDFViT: dual tokenizer, embeddings, token layout and the SCL tap."""
import pytest
import torch

from sdfnet_mm.models import SDFViT
from sdfnet_mm.models.utils import gradient_energy, gradient_energy_map

TINY = dict(embed_dims=32, num_layers=3, num_heads=2, feedforward_channels=64)


def tiny_vit(**kwargs):
    kwargs.setdefault('structure_layer', 2)
    model = SDFViT(arch=TINY, **kwargs)
    model.init_weights()
    model.eval()
    return model


def test_dual_tokenizer_routes_each_sample_once():
    model = tiny_vit()
    images = torch.randn(5, 3, 256, 128)
    modality = torch.tensor([1, 0, 0, 1, 0])
    seen = {'optical': [], 'sar': []}
    model.patch_embed.register_forward_hook(
        lambda m, i, o: seen['optical'].append(i[0].shape[0]))
    model.patch_embed_sar.register_forward_hook(
        lambda m, i, o: seen['sar'].append(i[0].shape[0]))
    with torch.no_grad():
        tokens, grid = model.tokenize(images, modality)
    assert seen == {'optical': [3], 'sar': [2]} and grid == (16, 8)
    with torch.no_grad():
        for i, m in enumerate(modality.tolist()):
            embed = model.patch_embed_sar if m else model.patch_embed
            assert torch.allclose(tokens[i], embed(images[i:i + 1])[0][0],
                                  atol=1e-6)
        # Single-modality batches take one tokenizer only.
        seen['optical'].clear()
        seen['sar'].clear()
        model.tokenize(images[:2], torch.tensor([1, 1]))
    assert seen == {'optical': [], 'sar': [2]}


def test_gradient_energy_by_hand():
    # 3 x 4 grid, channel 0 = w (column index), channel 1 = h^2.
    h = torch.arange(3.0)[:, None].expand(3, 4)
    w = torch.arange(4.0)[None, :].expand(3, 4)
    grid = torch.stack([w, h**2], dim=-1)[None]  # (1, 3, 4, 2)
    # central: ch0 = |w+1 - (w-1)| = 2 (x) + 0 (y); ch1 = |4 - 0| = 4 (y).
    # IN of (2, 4): mean 3, biased var 1.
    central = gradient_energy(grid, 'central', eps=0.0)
    assert torch.allclose(central, torch.tensor([[-1.0, 1.0]]))
    # forward: ch0 = 1; ch1 = mean(|1-0|, |4-1|) = 2 -> IN of (1, 2).
    forward = gradient_energy(grid, 'forward', eps=1e-5)
    expected = torch.tensor([[-0.5, 0.5]]) / (0.25 + 1e-5)**0.5
    assert torch.allclose(forward, expected)
    with pytest.raises(ValueError, match='backward'):
        gradient_energy(grid, 'backward')


def test_gradient_energy_map_by_hand():
    # The grid of test_gradient_energy_by_hand: ch0 = w, ch1 = h^2 (3 x 4).
    h = torch.arange(3.0)[:, None].expand(3, 4)
    w = torch.arange(4.0)[None, :].expand(3, 4)
    grid = torch.stack([w, h**2], dim=-1)[None]
    # central: G_y only at h = 1 (|4 - 0| = 4 in ch1, 1 x 4 positions),
    # G_x only at w = 1, 2 (|2| in ch0, 3 x 2 positions).
    central = gradient_energy_map(grid, 'central')[0]
    expected = torch.zeros(3, 4)
    expected[1] += 4 / 4
    expected[:, 1:3] += 2 / 6
    assert torch.allclose(central, expected)
    # forward: G_y at h = 0 (1), 1 (3) over 2 x 4 positions; G_x = 1 at
    # w = 0..2 over 3 x 3 positions.
    forward = gradient_energy_map(grid, 'forward')[0]
    expected = torch.zeros(3, 4)
    expected[0] += 1 / 8
    expected[1] += 3 / 8
    expected[:, :3] += 1 / 9
    assert torch.allclose(forward, expected)
    with pytest.raises(ValueError, match='backward'):
        gradient_energy_map(grid, 'backward')


@pytest.mark.parametrize('difference', ['central', 'forward'])
def test_gradient_energy_map_sums_to_the_descriptor_energy(difference):
    grid = torch.randn(3, 16, 8, 5, dtype=torch.float64)
    energy_map = gradient_energy_map(grid, difference)
    assert energy_map.shape == (3, 16, 8)
    # The descriptor before its instance norm: mean and std give it back.
    step = 2 if difference == 'central' else 1
    energy = (grid[:, step:] - grid[:, :-step]).abs().mean((1, 2)) + \
        (grid[:, :, step:] - grid[:, :, :-step]).abs().mean((1, 2))
    assert torch.allclose(energy_map.sum((1, 2)), energy.sum(1))
    normalised = (energy - energy.mean(1, keepdim=True)) / \
        (energy.var(1, unbiased=False, keepdim=True) + 1e-5).sqrt()
    assert torch.allclose(gradient_energy(grid, difference), normalised)


@pytest.mark.parametrize('layer', [1, 2, 3])
def test_structure_taps_block_output(layer):
    model = tiny_vit(structure_layer=layer, modality_token=True)
    images = torch.randn(2, 3, 256, 128)
    modality, size = torch.tensor([0, 1]), torch.randn(2, 3)
    with torch.no_grad():
        out = model(images, modality, size)
        tokens, grid = model.embed(images, modality, size)
        for block in model.layers[:layer]:
            tokens = block(tokens)
        patches = tokens[:, 2:2 + 128].reshape(2, 16, 8, -1)
        expected = gradient_energy(patches, 'central')
    assert torch.allclose(out.structure, expected, atol=1e-6)
    assert out.structure.mean(1).abs().max() < 1e-5  # instance-normalised


@pytest.mark.parametrize('options, tokens', [
    (dict(), 1 + 128 + 1),
    (dict(ship_size_token=False), 1 + 128),
    (dict(modality_token=True), 2 + 128 + 1),
    (dict(modality_token=True, ship_size_token=False), 2 + 128),
])
def test_token_layout(options, tokens):
    model = tiny_vit(**options)
    out = model(torch.randn(2, 3, 256, 128), torch.tensor([0, 1]),
                torch.randn(2, 3))
    assert out.tokens.shape == (2, tokens, 32)
    assert model.pos_embed.shape[1] == model.num_extra_tokens + 128


def test_modality_embedding_and_ship_size_token():
    model = tiny_vit(modality_embed_coef=3.0)
    images, size = torch.randn(1, 3, 256, 128), torch.randn(1, 3)
    with torch.no_grad():
        optical, _ = model.embed(images, torch.tensor([0]), size)
        model.patch_embed_sar.load_state_dict(model.patch_embed.state_dict())
        sar, _ = model.embed(images, torch.tensor([1]), size)
        gap = (model.modality_embed[1] - model.modality_embed[0]) * 3.0
        # Same pixels and tokenizer weights: only MIE differs, on every
        # token but the ship-size token, which gets no MIE.
        assert torch.allclose(sar[:, :-1] - optical[:, :-1],
                              gap.expand(1, 129, 32), atol=1e-5)
        assert torch.equal(sar[:, -1], optical[:, -1])
        assert torch.allclose(optical[:, -1], model.ship_size_embed(size))
    no_mie = tiny_vit(modality_embed_coef=None)
    assert no_mie.modality_embed is None
    with pytest.raises(ValueError, match='ship_size'):
        model(images, torch.tensor([0]), None)


def test_no_structure_layer():
    model = tiny_vit(structure_layer=None)
    out = model(torch.randn(1, 3, 256, 128), torch.tensor([1]),
                torch.randn(1, 3))
    assert out.structure is None


def test_bad_options_refused():
    with pytest.raises(ValueError, match='structure_layer=4 outside 1..3'):
        SDFViT(arch=TINY, structure_layer=4)
    with pytest.raises(ValueError, match="'out_type' is fixed"):
        SDFViT(arch=TINY, structure_layer=None, out_type='cls_token')


def test_frozen_stages_freeze_both_tokenizers():
    model = SDFViT(arch=TINY, frozen_stages=1, modality_token=True,
                   structure_layer=None)
    for name in ('patch_embed', 'patch_embed_sar', 'ship_size_embed'):
        assert not any(p.requires_grad
                       for p in getattr(model, name).parameters()), name
    assert not model.modality_token.requires_grad
    assert all(p.requires_grad for p in model.layers[1].parameters())


WIDE = dict(embed_dims=256, num_layers=1, num_heads=2,
            feedforward_channels=64)


def assert_authors_token_init(model, std=0.02):
    """Truncated normal (std 0.02) tokens and ship-size weight, zero bias:
    PyTorch's default Linear(3, C) init would be U(+-1/sqrt(3))."""
    for name, value in (('cls_token', model.cls_token),
                        ('modality_token', model.modality_token),
                        ('ship_size_embed.weight',
                         model.ship_size_embed.weight)):
        assert value.std().item() == pytest.approx(std, rel=0.2), name
        assert value.abs().max().item() < 8 * std, name
    assert torch.equal(model.ship_size_embed.bias,
                       torch.zeros_like(model.ship_size_embed.bias))


def test_new_tokens_start_as_in_the_authors_code():
    torch.manual_seed(0)
    model = SDFViT(arch=WIDE, modality_token=True, structure_layer=None)
    model.init_weights()
    assert_authors_token_init(model)


def test_tokens_a_start_checkpoint_lacks_start_as_in_the_authors_code(
        tmp_path):
    """A Pretrained backbone checkpoint without the ship-size linear and
    the per-modality tokens (as TransOSS's pre-trained ViT): what it holds
    is loaded, what it lacks gets the authors' init instead of PyTorch's."""
    torch.manual_seed(0)
    source = SDFViT(arch=WIDE, modality_token=True, structure_layer=None)
    source.init_weights()
    state = {f'backbone.{k}': v for k, v in source.state_dict().items()
             if not k.startswith(('ship_size_embed', 'modality_token'))}
    checkpoint = tmp_path / 'start.pth'
    torch.save(dict(state_dict=state), checkpoint)
    model = SDFViT(arch=WIDE, modality_token=True, structure_layer=None,
                   init_cfg=dict(type='Pretrained', checkpoint=str(checkpoint),
                                 prefix='backbone.'))
    model.init_weights()
    loaded = model.state_dict()
    for key, value in state.items():
        assert torch.equal(loaded[key[len('backbone.'):]], value), key
    assert_authors_token_init(model)
