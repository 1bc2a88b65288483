"""Optical pixels to 8-bit RGB: band rules and the 2-98 percentile stretch
by hand."""
import numpy as np
import pytest

from sdfnet_mm.chips import optical_to_rgb, parse_optical_bands
from sdfnet_mm.chips.optical_to_rgb import (rgb_band_indices,
                                            stretch_to_uint8)


def test_stretch_by_hand():
    """Values 0..100: P2 = 2, P98 = 98; x -> (x - 2) / 96 * 255, rounded."""
    band = np.arange(101, dtype=np.uint16).reshape(1, 101)
    out = stretch_to_uint8(band)[0]
    assert out.dtype == np.uint8
    assert out[[0, 2, 26, 50, 98, 100]].tolist() == [0, 0, 64, 128, 255, 255]
    # Percentiles equal (mostly one value): min..max instead.
    flat = np.array([[5] * 99 + [1, 9]], np.uint16)
    assert stretch_to_uint8(flat)[0, [0, 99, 100]].tolist() == [128, 0, 255]
    with pytest.raises(ValueError, match='constant'):
        stretch_to_uint8(np.full((2, 2), 7, np.uint16))
    with pytest.raises(ValueError, match='NaN'):
        stretch_to_uint8(np.array([[0.1, np.nan]], np.float32))


def test_stretch_is_per_band():
    red = np.arange(101, dtype=np.uint16).reshape(1, 101)
    pixels = np.stack([red, red * 10, 1000 - red], axis=2)
    rgb = optical_to_rgb(pixels, rgb_order=False)
    assert rgb.shape == (1, 101, 3)
    assert np.array_equal(rgb[..., 0], rgb[..., 1])
    assert np.array_equal(rgb[..., 2], rgb[:, ::-1, 0])


def test_uint8_passes_unchanged():
    pixels = np.random.default_rng(0).integers(0, 256, (5, 4, 3), np.uint8)
    assert optical_to_rgb(pixels, rgb_order=True) is pixels
    grey = pixels[..., 0]
    assert np.array_equal(optical_to_rgb(grey, False), np.repeat(
        grey[..., None], 3, axis=2))
    four = np.concatenate([pixels, pixels[..., :1]], axis=2)
    assert np.array_equal(optical_to_rgb(four, False, (2, 1, 0)),
                          pixels[..., ::-1])


def test_band_rules():
    assert rgb_band_indices(1, False, (2, 1, 0)) == (0, 0, 0)
    assert rgb_band_indices(3, False, None) == (0, 1, 2)
    assert rgb_band_indices(4, True, None) == (0, 1, 2)
    assert rgb_band_indices(4, False, (2, 1, 0)) == (2, 1, 0)
    with pytest.raises(ValueError, match='4 optical bands with no declared '
                       'colour order; give --optical-bands R,G,B'):
        rgb_band_indices(4, False, None)
    with pytest.raises(ValueError, match='2 optical bands'):
        rgb_band_indices(2, False, None)
    with pytest.raises(ValueError, match=r'\(3, 1, 0\) but the chip has 3 '):
        rgb_band_indices(3, False, (3, 1, 0))


def test_parse_optical_bands():
    assert parse_optical_bands('2,1,0') == (2, 1, 0)
    assert parse_optical_bands([0, 1, 2]) == (0, 1, 2)
    assert parse_optical_bands(None) is None
    for bad in ('2,1', '2,1,x', '-1,0,1', '1,2,3,4'):
        with pytest.raises(ValueError, match='expected three 0-based'):
            parse_optical_bands(bad)
