"""SAR scales: conversion to amplitude by hand, the declaration / detection
rules, and the dB rule's claim on the real HOSS samples."""
import numpy as np
import pytest
from PIL import Image

from sdfnet_mm.chips import SAR_SCALES, to_amplitude
from sdfnet_mm.chips.sar_scale import (check_sar_scale, detect_sar_scale,
                                       looks_like_db, sar_scale_rule)

FLOAT, UINT16 = np.dtype(np.float32), np.dtype(np.uint16)


def test_to_amplitude_by_hand():
    assert to_amplitude(np.array([[4.0, 0.25]], np.float32),
                        'intensity').tolist() == [[2.0, 0.5]]
    np.testing.assert_allclose(
        to_amplitude(np.array([[20.0, -20.0, 0.0]]), 'db'),
        [[10.0, 0.1, 1.0]], rtol=1e-6)
    amplitude = np.array([[1.5, 3.0]], np.float32)
    assert to_amplitude(amplitude, 'amplitude') is amplitude
    assert to_amplitude(np.array([[3, 9]], np.uint16),
                        'intensity').dtype == np.float32


@pytest.mark.parametrize('scale', ['amplitude', 'intensity'])
def test_negative_linear_values_refused(scale):
    with pytest.raises(ValueError, match=f'{scale} with negative values'):
        to_amplitude(np.array([[-0.01, 2.0]], np.float32), scale)


def test_rules():
    assert SAR_SCALES == ('amplitude', 'intensity', 'db')
    assert check_sar_scale('dB') == 'db'
    with pytest.raises(ValueError, match="'power'; expected one of"):
        check_sar_scale('power')
    # HOSS chips are amplitude whatever is declared.
    assert sar_scale_rule(FLOAT, 'intensity', hoss=True) == 'amplitude'
    assert sar_scale_rule(FLOAT, 'intensity', hoss=False) == 'intensity'
    assert sar_scale_rule(FLOAT, None, hoss=False) is None  # detect
    assert sar_scale_rule(UINT16, 'amplitude', hoss=False) == 'amplitude'
    with pytest.raises(ValueError, match='uint16 pixels declared dB'):
        sar_scale_rule(UINT16, 'db', hoss=False)
    with pytest.raises(ValueError, match=r'unknown \(uint16 pixels\); '
                       'declare it: --sar-scale'):
        sar_scale_rule(UINT16, None, hoss=False)


def test_detection():
    decibel = np.array([[-25.0, -18.0, 12.0]], np.float32)
    assert looks_like_db(decibel) and detect_sar_scale(decibel) == 'db'
    for values in ([[0.1, 2.0, 30.0]],  # amplitude or intensity
                   [[-0.002, 0.1, 5.0]],  # noise-subtracted intensity
                   [[-5.0, 3.0, 20.0]]):  # bright chip, dB or not
        pixels = np.array(values, np.float32)
        assert not looks_like_db(pixels)
        with pytest.raises(ValueError, match='SAR scale unknown .* cannot be '
                           'told apart.*--sar-scale amplitude|intensity|db'):
            detect_sar_scale(pixels)
    with pytest.raises(ValueError, match='NaN or infinite'):
        detect_sar_scale(np.array([[np.nan, -20.0]], np.float32))


def test_real_samples_in_db_are_detected(hoss_root):
    """The dB rule's margin (module docstring): every HOSS SAR sample in dB
    has -min / max >= 2.25; as amplitude or intensity none is dB."""
    paths = sorted(hoss_root.glob('*/*_SAR.tif'))
    assert len(paths) == 54
    ratios = []
    for path in paths:
        amplitude = np.array(Image.open(path))
        decibel = 20 * np.log10(amplitude.astype(np.float64))
        assert looks_like_db(decibel)
        assert not looks_like_db(amplitude)
        assert not looks_like_db(amplitude.astype(np.float64)**2)
        ratios.append(-decibel.min() / decibel.max())
    assert min(ratios) >= 2.25
