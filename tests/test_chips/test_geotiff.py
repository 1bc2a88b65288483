"""Ground metres per pixel from GeoTIFF tags: accepted CRSs by hand, the
refused ones with their reason."""
import math
import re

import numpy as np
import pytest

from sdfnet_mm.chips import PixelSpacing, read_chip_header

from chip_writers import (LINEAR_UNITS, MODEL_TYPE, PROJ_TRANSFORM,
                          PROJECTED_CRS, UTM_33N, WGS84, write_tiff)

PIXELS = np.arange(40 * 12, dtype=np.uint16).reshape(40, 12)


def header(tmp_path, **tags):
    return read_chip_header(write_tiff(tmp_path / 'chip.tif', PIXELS, **tags))


def test_utm_pixel_scale_in_metres(tmp_path):
    chip = header(tmp_path, keys=UTM_33N, scale=(0.5, 0.6))
    assert chip.tag_spacing == PixelSpacing(0.5, 0.6)
    assert chip.tag_problem is None


def test_utm_without_units_key_is_metres(tmp_path):
    keys = {k: v for k, v in UTM_33N.items() if k != LINEAR_UNITS}
    assert header(tmp_path, keys=keys, scale=(2.0, 2.0)).tag_spacing == \
        PixelSpacing(2.0, 2.0)


@pytest.mark.parametrize('unit, metres', [(9002, 0.3048),
                                          (9003, 1200 / 3937)])
def test_feet_become_metres(tmp_path, unit, metres):
    keys = UTM_33N | {PROJECTED_CRS: 32767, LINEAR_UNITS: unit}
    spacing = header(tmp_path, keys=keys, scale=(10.0, 5.0)).tag_spacing
    assert spacing == pytest.approx((10 * metres, 5 * metres), rel=1e-12)


def test_rotated_transformation_matrix(tmp_path):
    """A grid rotated by 30 degrees with 2 m x 3 m pixels."""
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    matrix = (2 * c, -3 * s, 0, 500000, 2 * s, 3 * c, 0, 4e6, 0, 0, 0, 0, 0,
              0, 0, 1)
    spacing = header(tmp_path, keys=UTM_33N,
                     transformation=matrix).tag_spacing
    assert spacing == pytest.approx((2.0, 3.0), rel=1e-12)


@pytest.mark.parametrize('tags, reason', [
    (dict(keys=WGS84, scale=(1e-5, 1e-5)), 'geographic CRS.*degrees'),
    (dict(keys=UTM_33N | {PROJECTED_CRS: 3857}, scale=(1, 1)),
     'Mercator'),
    (dict(keys=UTM_33N | {PROJECTED_CRS: 32767, PROJ_TRANSFORM: 7},
          scale=(1, 1)), 'Mercator'),
    (dict(keys=UTM_33N | {LINEAR_UNITS: 9014}, scale=(1, 1)),
     'linear unit 9014'),
    (dict(keys={k: v for k, v in UTM_33N.items()
                if k != LINEAR_UNITS} | {PROJECTED_CRS: 2154},
          scale=(1, 1)), 'without ProjLinearUnitsGeoKey'),
    (dict(keys=UTM_33N | {MODEL_TYPE: 3}, scale=(1, 1)),
     'GTModelTypeGeoKey'),
    (dict(scale=(0.5, 0.5)), 'without GeoKeyDirectoryTag'),
    (dict(keys=UTM_33N, scale=(0.0, 0.5)), 'expected finite values > 0'),
])
def test_tags_without_ground_metres_are_explained(tmp_path, tags, reason):
    chip = header(tmp_path, **tags)
    assert chip.tag_spacing is None
    assert chip.tag_problem is not None
    assert re.search(reason, chip.tag_problem)


def test_no_scale_tags_give_nothing(tmp_path):
    """No tags at all, or GeoKeys with tie points only (GCPs)."""
    plain = header(tmp_path)
    assert plain.tag_spacing is None and plain.tag_problem is None
    gcps = read_chip_header(
        write_tiff(tmp_path / 'gcps.tif', PIXELS, keys=WGS84))
    assert gcps.tag_spacing is None and gcps.tag_problem is None
