"""OptiSar_Pair file names: the pair id is the second field."""
import pytest

from sdfnet_mm.chips import PairName, parse_pair_name
from sdfnet_mm.structures import OPTICAL, SAR


@pytest.mark.parametrize('name, expected', [
    ('ship_000012_RGB.tif', PairName(12, OPTICAL)),
    ('land_7_SAR.png', PairName(7, SAR)),
    ('s1_0042_p3_x_SAR.tif', PairName(42, SAR)),
    ('_5_RGB.png', PairName(5, OPTICAL)),
    ('/data/OptiSar_Pair/0001/dfc_0309_b2_RGB.tif', PairName(309, OPTICAL)),
])
def test_parse_names(name, expected):
    assert parse_pair_name(name) == expected


@pytest.mark.parametrize('name', [
    '0001_RGB.tif',  # no pair id field: the second field is the modality
    'ship_12a_RGB.tif', 'ship_12_rgb.tif', 'ship_12_NIR.tif',
    'ship_12_RGB.jpg', 'ship_12_RGB', 'README.txt',
])
def test_unparsable_name_is_refused(name):
    with pytest.raises(ValueError, match=name.replace('.', r'\.')):
        parse_pair_name(name)
