"""The "look inside" tools on the HOSS samples with a small random SDF-Net
(the ``tiny`` fixture): get_flops, browse_dataset, analyze_logs,
vis_features and vis_attention."""
import pytest

from tool_runner import DEMO_CONFIG, load_tool

CHANNELS, FFN, LAYERS = 32, 64, 2  # tiny_options' ViT


def vit_flops(height: int, width: int) -> int:
    """Hand count of one chip's test feature for the tiny SDF-Net: patch
    convolution, ship-size token, per block qkv, QK^T and AV, projection
    and MLP, then the two DFL heads (2 FLOPs per multiply-add)."""
    patches = (height // 16) * (width // 16)
    tokens = 1 + patches + 1  # CLS, patches, ship-size token
    c = CHANNELS
    block = (2 * tokens * c * 3 * c + 4 * tokens**2 * c +
             2 * tokens * c * c + 2 * 2 * tokens * c * FFN)
    return (2 * patches * 3 * 16 * 16 * c + 2 * 3 * c + LAYERS * block +
            2 * 2 * c * c)


@pytest.mark.parametrize('shape, expected_shape', [
    ([], (256, 64)),  # the demo config's img_size
    (['--shape', '128', '64'], (128, 64)),
    (['--shape', '96'], (96, 96)),
])
def test_get_flops_counts_by_hand(tiny, shape, expected_shape, capsys):
    options, cfg, _ = tiny
    get_flops = load_tool('tools/analysis/get_flops.py')
    result = get_flops.main([DEMO_CONFIG, *shape, '--cfg-options', *options])
    assert result['shape'] == expected_shape
    flops = result['flops']
    assert flops['total'] == vit_flops(*expected_shape)
    # The neck's two linear heads; the head (BN, pre-BN feature) none.
    assert flops['neck'] == 2 * 2 * CHANNELS * CHANNELS
    assert flops['head'] == 0
    assert flops['backbone'] + flops['neck'] == flops['total']
    params = result['params']
    assert params['total'] == params['backbone'] + params['neck'] + \
        params['head']
    # Neck: two C x C linear layers with bias; head: BN (2C) + classifier
    # (21 ids, no bias).
    assert params['neck'] == 2 * (CHANNELS * CHANNELS + CHANNELS)
    assert params['head'] == 2 * CHANNELS + 21 * CHANNELS
    printed = capsys.readouterr().out
    assert f"{params['total']:,}" in printed
    assert f"{flops['total'] / 1e9:.3f}" in printed


def test_get_flops_rejects_a_bad_shape(capsys):
    get_flops = load_tool('tools/analysis/get_flops.py')
    with pytest.raises(SystemExit):
        get_flops.parse_args([DEMO_CONFIG, '--shape', '1', '2', '3'])
    assert '--shape [1, 2, 3]: expected H W' in capsys.readouterr().err
