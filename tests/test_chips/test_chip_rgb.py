"""Chips of every supported format through the one loading path
(read_chip_rgb) and chip_info: pixels, GSD, SAR scale, refusals, and HOSS
chips bit-identical whatever the options."""
import shutil

import numpy as np
import pytest
from PIL import Image

from sdfnet_mm.chips import (ChipOptions, chip_info, read_chip_header,
                             read_chip_rgb, sar_to_rgb)
from sdfnet_mm.structures import OPTICAL, SAR

from chip_writers import UTM_33N, WGS84, write_tiff

#: Values 0..100 -> 2-98 stretch, by hand: (v - 2) / 96 * 255, rounded.
HAND = {0: 0, 2: 0, 26: 64, 50: 128, 98: 255, 100: 255}


def info(path, modality, **options):
    """chip_info, with 1 m/px given for both modalities unless ``gsd``."""
    options.setdefault('gsd', ['optical=1', 'sar=1'])
    return chip_info(read_chip_header(str(path)), modality,
                     ChipOptions(**options))


def test_uint16_bgrn_geotiff(tmp_path):
    """4 bands B, G, R, NIR of 101 x 1 px, each a permutation of 0..100
    under a gain and offset (the stretch ignores them); GSD from tags."""
    values = np.arange(101)
    order = {'B': values[::-1], 'G': np.roll(values, 7), 'R': values,
             'N': values}
    bands = [order[b] * gain + offset for b, gain, offset in
             (('B', 3, 10), ('G', 7, 0), ('R', 40, 500), ('N', 1, 1))]
    pixels = np.stack(bands, axis=1).astype(np.uint16)[:, None, :]
    path = write_tiff(tmp_path / 'scene_042.tif', pixels, keys=UTM_33N,
                      scale=(0.5, 0.5))
    with pytest.raises(ValueError, match='scene_042.tif: 4 optical bands'):
        info(path, OPTICAL)
    chip = info(path, OPTICAL, optical_bands='2,1,0')
    assert chip.gsd == ((0.5, 0.5), 'GeoTIFF tags')
    assert chip.size_m == (50.5, 0.5)
    rgb = read_chip_rgb(path, OPTICAL, optical_bands=chip.optical_bands)
    assert rgb.shape == (101, 1, 3) and rgb.dtype == np.uint8
    for channel, band in enumerate('RGB'):
        for value, expected in HAND.items():
            row = int(np.flatnonzero(order[band] == value)[0])
            assert rgb[row, 0, channel] == expected


def test_jpeg_optical_with_given_gsd(tmp_path):
    """40 x 100 px at 2 m: W 80 m, H 200 m -> the SSE vector by hand."""
    rng = np.random.default_rng(1)
    path = tmp_path / 'ship.jpg'
    Image.fromarray(rng.integers(0, 256, (100, 40, 3), np.uint8)).save(path)
    with pytest.raises(ValueError, match='ship.jpg: the ground sample '
                       'distance is unknown'):
        info(path, OPTICAL, gsd=None)
    chip = info(path, OPTICAL, gsd={'optical': 2.0})
    assert chip.gsd == ((2.0, 2.0), '--gsd optical')
    # ((80/93 - .434)/.031, (200/427 - .461)/.031, 200/80)
    assert chip.ship_size == pytest.approx((13.748872702, 0.238195966, 2.5),
                                           abs=1e-8)
    rgb = read_chip_rgb(str(path), OPTICAL)
    assert np.array_equal(rgb, np.array(Image.open(path)))
    grey = tmp_path / 'pan.jpg'
    Image.fromarray(rng.integers(0, 256, (20, 8), np.uint8)).save(grey)
    rgb = read_chip_rgb(str(grey), OPTICAL)
    assert rgb.shape == (20, 8, 3)
    assert np.array_equal(rgb[..., 0], np.array(Image.open(grey)))
    assert np.array_equal(rgb[..., 0], rgb[..., 2])


def test_png_grey_sar(tmp_path):
    """8-bit grey SAR: grey levels are amplitude (or intensity) up to a
    gain, which the stretches ignore; dB must be float."""
    grey = np.random.default_rng(2).integers(1, 256, (30, 10), np.uint8)
    path = tmp_path / 'quicklook.png'
    Image.fromarray(grey).save(path)
    with pytest.raises(ValueError, match=r'quicklook.png: SAR scale unknown '
                       r'\(uint8 pixels\)'):
        info(path, SAR)
    with pytest.raises(ValueError, match='quicklook.png: uint8 pixels '
                       'declared dB'):
        info(path, SAR, sar_scale='db')
    assert info(path, SAR, sar_scale='amplitude').sar_scale == 'amplitude'
    for scale, amplitude in (('amplitude', grey),
                             ('intensity', np.sqrt(grey.astype(float)))):
        for method in ('max', 'log'):
            assert np.array_equal(
                read_chip_rgb(str(path), SAR, method, sar_scale=scale),
                sar_to_rgb(amplitude.astype(np.float32), method))


@pytest.fixture
def real_sar(hoss_root):
    """(path, float32 amplitude) of a real HOSS SAR chip."""
    path = hoss_root / 'bounding_box_test' / '0002_s05c2_SAR.tif'
    return path, np.array(Image.open(path))


@pytest.mark.parametrize('method', ['max', 'percentile', 'log'])
def test_intensity_and_db_give_the_hoss_image(tmp_path, real_sar, method):
    """A real amplitude chip as float64 intensity (declared) and as dB
    (detected and declared) loads as the HOSS chip does."""
    hoss_path, amplitude = real_sar
    expected = read_chip_rgb(str(hoss_path), SAR, method)
    wide = amplitude.astype(np.float64)
    intensity = write_tiff(tmp_path / 'intensity.tif', wide**2)
    decibel = write_tiff(tmp_path / 'db.tif', 20 * np.log10(wide))
    with pytest.raises(ValueError, match='intensity.tif: SAR scale unknown'):
        info(intensity, SAR)
    assert info(intensity, SAR, sar_scale='intensity').sar_scale == \
        'intensity'
    assert np.array_equal(
        read_chip_rgb(intensity, SAR, method, sar_scale='intensity'),
        expected)
    assert info(decibel, SAR).sar_scale == 'db'
    for declared in (None, 'db'):
        assert np.array_equal(
            read_chip_rgb(decibel, SAR, method, sar_scale=declared),
            expected)
    with pytest.raises(ValueError, match='db.tif: amplitude with negative'):
        read_chip_rgb(decibel, SAR, method, sar_scale='amplitude')


def test_float32_intensity_is_close(tmp_path, real_sar):
    """float32 intensity rounds; at most one grey level differs."""
    hoss_path, amplitude = real_sar
    path = write_tiff(tmp_path / 'i32.tif', amplitude**2)
    ours = read_chip_rgb(path, SAR, 'max', sar_scale='intensity')
    expected = read_chip_rgb(str(hoss_path), SAR, 'max')
    assert np.abs(ours.astype(int) - expected).max() <= 1


def test_hoss_chips_bit_identical_whatever_the_options(hoss_root, tmp_path):
    """Every real chip, every SAR method, with options meant for other
    sensors: Pillow's pixels, SAR through sar_to_rgb as before."""
    options = dict(sar_scale='intensity', optical_bands='2,1,0')
    for path in sorted(hoss_root.glob('*/*.tif')):
        reference = np.array(Image.open(path))
        if path.name.endswith('_RGB.tif'):
            assert np.array_equal(read_chip_rgb(str(path), OPTICAL,
                                                **options), reference)
            continue
        for method in ('max', 'percentile', 'log'):
            assert np.array_equal(
                read_chip_rgb(str(path), SAR, method, **options),
                sar_to_rgb(reference, method))
    # The same pixels under another name are another sensor's chip.
    renamed = tmp_path / 'ship.tif'
    shutil.copy(hoss_root / 'bounding_box_test' / '0002_s05c2_SAR.tif',
                renamed)
    with pytest.raises(ValueError, match='ship.tif: SAR scale unknown'):
        read_chip_rgb(str(renamed), SAR)


@pytest.mark.parametrize('pixels, modality, options, message', [
    (np.ones((6, 4, 2), np.float32), SAR, {}, 'SAR chip with 2 bands'),
    (np.ones((6, 4, 2), np.uint16), OPTICAL, {}, '2 optical bands'),
    (np.ones((6, 4, 3), np.uint16), OPTICAL, dict(optical_bands='0,1,5'),
     r'\(0, 1, 5\) but the chip has 3'),
    (np.ones((6, 4), np.complex64), SAR, {}, 'complex'),
    (np.linspace(0, 1, 24, dtype=np.float32).reshape(6, 4), SAR, {},
     'SAR scale unknown'),
])
def test_refusals_name_the_file(tmp_path, pixels, modality, options,
                                message):
    path = write_tiff(tmp_path / 'odd_chip.tif', pixels)
    with pytest.raises(ValueError, match=f'odd_chip.tif: .*{message}'):
        info(path, modality, **options)


def test_geographic_chip_without_gsd_refused(tmp_path):
    path = write_tiff(tmp_path / 'latlon.tif',
                      np.ones((6, 4, 3), np.uint8), keys=WGS84,
                      scale=(1e-5, 1e-5), photometric='rgb')
    with pytest.raises(ValueError, match='latlon.tif: .*geographic CRS.*'
                       'degrees.*give --gsd optical=METRES'):
        info(path, OPTICAL, gsd=None)
