"""SAR amplitude to 8 bits: the authors' conversion bit for bit, the other
stretches by hand, refusals of undefined input."""
import numpy as np
import pytest

from sdfnet_mm.chips import sar_to_rgb


def test_max_conversion_matches_authors_bit_for_bit(parity_fixture):
    inputs = parity_fixture['inputs']
    ours = sar_to_rgb(inputs['sar2rgb_in'].numpy(), 'max')
    expected = inputs['sar2rgb_out'].numpy()
    assert ours.dtype == np.uint8 and ours.shape == expected.shape
    assert np.array_equal(ours, expected)


def test_conversions_by_hand():
    amplitude = np.array([[0.0, 1.0], [2.0, 4.0]], np.float32)
    # max: floor(x / 4 * 255).
    assert sar_to_rgb(amplitude, 'max')[..., 0].tolist() == [[0, 63],
                                                              [127, 255]]
    # percentile with P0 (= 0): the same stretch as max here.
    assert sar_to_rgb(amplitude, 'percentile', 0)[..., 0].tolist() == [
        [0, 63], [127, 255]]
    # log: dB of (1, 1, 2, 4) (0 takes the smallest positive value) =
    # (0, 0, 6.02, 12.04) dB, stretched from P0 = 0 dB to 12.04 dB.
    assert sar_to_rgb(amplitude, 'log', 0)[..., 0].tolist() == [[0, 0],
                                                                [127, 255]]


@pytest.mark.parametrize('bad, message', [
    (np.array([[1.0, np.nan]], np.float32), 'NaN'),
    (np.array([[1.0, -1.0]], np.float32), 'negative'),
    (np.zeros((2, 2), np.float32), 'constant'),
])
def test_conversion_refuses_undefined_input(bad, message):
    with pytest.raises(ValueError, match=message):
        sar_to_rgb(bad, 'max')
