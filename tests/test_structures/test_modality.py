"""Modality codes: one parse / validate rule for names and codes."""
import numpy as np
import pytest
import torch

from sdfnet_mm.structures import OPTICAL, SAR, check_modalities, \
    parse_modality


@pytest.mark.parametrize('value, code', [
    ('optical', OPTICAL), ('SAR', SAR), ('Sar', SAR), (0, OPTICAL), (1, SAR),
    (np.int64(1), SAR), (torch.tensor(0), OPTICAL)])
def test_names_and_codes_parse(value, code):
    assert parse_modality(value) == code


@pytest.mark.parametrize('value', [2, -1, True, 1.0, 'radar', None,
                                   torch.tensor(0.0)])
def test_anything_else_is_refused_naming_the_place(value):
    with pytest.raises(ValueError, match=r'chip\.tif: .* is not a modality'):
        parse_modality(value, 'chip.tif')


def test_check_modalities_names_the_first_bad_code():
    check_modalities(torch.tensor([0, 1, 1, 0]))
    check_modalities(np.array([1]))
    with pytest.raises(ValueError, match='gallery modalities: 3 is not'):
        check_modalities(torch.tensor([0, 3, 1]), 'gallery modalities')
