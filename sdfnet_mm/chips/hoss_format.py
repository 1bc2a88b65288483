"""What makes a chip a HOSS chip, and the facts HOSS gives about it.

A HOSS chip has a HOSS name (:func:`~.hoss_name.parse_hoss_name`) and the
HOSS pixel format of that modality: a TIFF, optical uint8 with 3 bands,
SAR float32 with one band (amplitude). Only such a chip is given HOSS's
ground sample distance and read as HOSS defines it, whatever options are
given for chips of other sensors.
"""
from typing import Optional

import numpy as np

from sdfnet_mm.structures import OPTICAL, SAR
from .chip_file import ChipHeader
from .hoss_name import parse_hoss_name

#: HOSS's ground sample distance in metres per pixel, by modality (the
#: authors' data loader).
GSD_M = {OPTICAL: 0.75, SAR: 1.0}

#: (dtype, bands, words) of the HOSS format, by modality.
HOSS_FORMAT = {
    OPTICAL: (np.dtype(np.uint8), 3, 'uint8 RGB (3 bands)'),
    SAR: (np.dtype(np.float32), 1, 'float32 amplitude (1 band)'),
}


def hoss_format_problem(header: ChipHeader, modality: int) -> Optional[str]:
    """Why ``header`` is not in the HOSS format of ``modality`` (``None``
    when it is)."""
    dtype, bands, words = HOSS_FORMAT[modality]
    if header.format != 'TIFF' or header.dtype != dtype \
            or header.bands != bands or header.alpha_bands:
        alpha = f' + {header.alpha_bands} alpha' if header.alpha_bands else ''
        return (f'{header.format} {header.dtype} with {header.bands} '
                f'band(s){alpha}; HOSS chips of this modality are {words} '
                'TIFFs')
    return None


def is_hoss_chip(header: ChipHeader, modality: int) -> bool:
    """The file has a HOSS name of ``modality`` and the HOSS format."""
    try:
        named = parse_hoss_name(header.path).modality
    except ValueError:
        return False
    return named == modality and hoss_format_problem(header, modality) is None
