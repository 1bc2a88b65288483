"""HOSS file names and the ship-size vector of the SSE token."""
import pytest
import torch

from sdfnet_mm.chips import (GSD_M, HOSSName, PixelSpacing, parse_hoss_name,
                             ship_size_vector)
from sdfnet_mm.structures import OPTICAL, SAR


def test_ship_size_matches_authors_loader(parity_fixture):
    """The authors' ``img_wh`` (float32 after their collate), bit for bit."""
    inputs = parity_fixture['inputs']
    for (width, height), modality, expected in zip(
            inputs['raw_wh'].tolist(), inputs['modality'].tolist(),
            inputs['img_wh']):
        gsd = GSD_M[modality]
        ours = torch.tensor(
            ship_size_vector(height, width, PixelSpacing(gsd, gsd)),
            dtype=torch.float32)
        assert torch.equal(ours, expected)


@pytest.mark.parametrize('name, expected', [
    ('0002_s05c1_RGB.tif', HOSSName(identity=2, modality=OPTICAL)),
    ('0255_s12c3_SAR.tif', HOSSName(identity=255, modality=SAR)),
    ('-1_0081_SAR.tif', HOSSName(identity=-1, modality=SAR)),
    ('/data/HOSS/query/0113_s04c1_RGB.tif', HOSSName(113, OPTICAL)),
])
def test_parse_names(name, expected):
    assert parse_hoss_name(name) == expected


@pytest.mark.parametrize('name', [
    '0002_s05c1_rgb.tif', '0002_s05c1_RGB.png', '0002_05c1_RGB.tif',
    '-2_0081_SAR.tif', 'thumbs.db', '0002_s05c1_IR.tif'
])
def test_unparsable_name_is_refused(name):
    with pytest.raises(ValueError, match=name.replace('.', r'\.')):
        parse_hoss_name(name)
