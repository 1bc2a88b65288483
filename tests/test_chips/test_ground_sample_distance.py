"""GroundSampleDistance parsing and the GSD precedence: chip value >
GeoTIFF tags > HOSS chip > per-modality value > error."""
import numpy as np
import pytest
from PIL import Image

from sdfnet_mm.chips import (ChipOptions, GroundSampleDistance, PixelSpacing,
                             chip_info, hoss_format_problem, read_chip_header,
                             resolve_chip_gsd)
from sdfnet_mm.structures import OPTICAL, SAR

from chip_writers import UTM_33N, WGS84, write_tiff


def test_parse_by_modality():
    gsd = GroundSampleDistance.parse(['optical=0.5', 'SAR=3'])
    assert gsd.get(OPTICAL) == 0.5 and gsd.get(SAR) == 3.0
    assert gsd == GroundSampleDistance({'optical': 0.5, 1: 3.0})
    assert GroundSampleDistance.of(None).get(OPTICAL) is None
    assert GroundSampleDistance.of('sar=10').get(SAR) == 10.0
    assert repr(gsd) == 'GroundSampleDistance(optical=0.5, SAR=3.0)'


@pytest.mark.parametrize('items, message', [
    (['optical'], "'optical': expected MODALITY=METRES"),
    (['radar=1'], "'radar'.* is not a modality"),
    (['optical=-1'], 'finite and > 0'),
    (['sar=nan'], 'finite and > 0'),
    (['sar=0'], 'finite and > 0'),
    (['sar=one'], 'not a number'),
    (['sar=1', 'SAR=2'], 'given twice'),
])
def test_parse_refusals(items, message):
    with pytest.raises(ValueError, match=message):
        GroundSampleDistance.parse(items)


def test_precedence_by_hand():
    tags, given = PixelSpacing(0.3, 0.4), GroundSampleDistance({SAR: 5})
    every = dict(chip_value=2.0, tag_spacing=tags, hoss_gsd=1.0, given=given)
    assert resolve_chip_gsd('c.tif', SAR, **every) == (
        (2.0, 2.0), 'given for the chip')
    every['chip_value'] = None
    assert resolve_chip_gsd('c.tif', SAR, **every) == (tags, 'GeoTIFF tags')
    every['tag_spacing'] = None
    assert resolve_chip_gsd('c.tif', SAR, **every) == ((1.0, 1.0), 'HOSS')
    every['hoss_gsd'] = None
    assert resolve_chip_gsd('c.tif', SAR, **every) == ((5.0, 5.0),
                                                      '--gsd sar')
    with pytest.raises(ValueError, match='c.tif: the ground sample distance '
                       'is unknown.*--gsd optical=METRES'):
        resolve_chip_gsd('c.tif', OPTICAL, **every)
    with pytest.raises(ValueError, match='c.tif: chip_gsd'):
        resolve_chip_gsd('c.tif', SAR, chip_value=-1.0)


def test_chip_sources(tmp_path, hoss_root):
    """Real HOSS chip -> HOSS GSD even with --gsd; tags beat --gsd; refused
    tags fall back to --gsd, and without it the error gives the reason."""
    hoss = read_chip_header(str(hoss_root / 'query' / '0002_s05c1_RGB.tif'))
    options = ChipOptions(gsd=['optical=0.5'])
    info = chip_info(hoss, OPTICAL, options)
    assert info.hoss and info.gsd == ((0.75, 0.75), 'HOSS')
    assert chip_info(hoss, OPTICAL, options, chip_gsd=0.3).gsd.spacing == \
        (0.3, 0.3)

    pixels = np.full((40, 12, 3), 7, np.uint8)
    pixels[0, 0] = 0
    tagged = read_chip_header(
        write_tiff(tmp_path / 'utm.tif', pixels, keys=UTM_33N,
                   scale=(0.5, 0.6), photometric='rgb'))
    info = chip_info(tagged, OPTICAL, options)
    assert info.gsd == ((0.5, 0.6), 'GeoTIFF tags')
    # 12 x 40 px at 0.5 m x 0.6 m: W 6 m, H 24 m, by hand.
    assert info.size_m == pytest.approx((24.0, 6.0))
    assert info.ship_size == pytest.approx(
        (-11.918834547, -13.057868097, 4.0), abs=1e-8)

    degrees = read_chip_header(
        write_tiff(tmp_path / 'wgs84.tif', pixels, keys=WGS84,
                   scale=(1e-5, 1e-5), photometric='rgb'))
    assert chip_info(degrees, OPTICAL, options).gsd == (
        (0.5, 0.5), '--gsd optical')
    with pytest.raises(ValueError, match='wgs84.tif: the ground sample '
                       'distance is unknown: its GeoTIFF tags give no metres '
                       r'\(geographic CRS: the pixel scale is in degrees'):
        chip_info(degrees, OPTICAL)


def test_hoss_name_without_hoss_format_gets_no_hoss_gsd(tmp_path):
    """A HOSS-named uint16, grey or RGBA chip is another sensor's chip."""
    path = tmp_path / '0001_s01c1_RGB.tif'
    write_tiff(path, np.arange(3 * 40 * 12, dtype=np.uint16).reshape(
        40, 12, 3), photometric='rgb')
    header = read_chip_header(str(path))
    with pytest.raises(ValueError, match='0001_s01c1_RGB.tif: the ground '
                       'sample distance is unknown: it has no GeoTIFF pixel '
                       'scale and it is not a HOSS chip'):
        chip_info(header, OPTICAL)
    grey = tmp_path / '0001_s01c2_RGB.tif'
    Image.fromarray(np.zeros((8, 4), np.uint8)).save(grey)
    rgba = tmp_path / '0001_s01c3_RGB.tif'
    Image.fromarray(np.zeros((8, 4, 4), np.uint8)).save(rgba)
    for path in (grey, rgba):
        assert not chip_info(read_chip_header(str(path)), OPTICAL,
                             ChipOptions(gsd={'optical': 2})).hoss
    assert hoss_format_problem(read_chip_header(str(rgba)), OPTICAL) == (
        'TIFF uint8 with 3 band(s) + 1 alpha; HOSS chips of this modality '
        'are uint8 RGB (3 bands) TIFFs')
