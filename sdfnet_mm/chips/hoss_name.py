"""HOSS ReID file names: the ship id and the modality of a chip.

``PPPP_sXXcY_{RGB|SAR}.tif`` (ship id, acquisition sequence, capture) or
``-1_NNNN_{RGB|SAR}.tif`` (a distractor, id -1, never a match).
"""
import os.path as osp
import re
from typing import NamedTuple

from sdfnet_mm.structures import OPTICAL, SAR

IDENTITY_NAME = re.compile(r'^(\d+)_s(\d+)c(\d+)_(RGB|SAR)\.tif$')
DISTRACTOR_NAME = re.compile(r'^-1_(\d+)_(RGB|SAR)\.tif$')
MODALITY_OF_SUFFIX = {'RGB': OPTICAL, 'SAR': SAR}
SUFFIX_OF_MODALITY = {OPTICAL: 'RGB', SAR: 'SAR'}


class HOSSName(NamedTuple):
    """What a HOSS file name says: ship id (-1: distractor), modality."""
    identity: int
    modality: int


def parse_hoss_name(path: str) -> HOSSName:
    """Ship id and modality from a HOSS file name.

    Raises:
        ValueError: naming ``path`` when the name follows neither
            ``PPPP_sXXcY_{RGB|SAR}.tif`` nor ``-1_NNNN_{RGB|SAR}.tif``.
    """
    name = osp.basename(path)
    match = IDENTITY_NAME.match(name)
    if match:
        return HOSSName(int(match.group(1)), MODALITY_OF_SUFFIX[match.group(4)])
    match = DISTRACTOR_NAME.match(name)
    if match:
        return HOSSName(-1, MODALITY_OF_SUFFIX[match.group(2)])
    raise ValueError(
        f'{path}: file name does not parse; expected '
        "'PPPP_sXXcY_RGB.tif' / 'PPPP_sXXcY_SAR.tif' (ship id, sequence, "
        "capture) or '-1_NNNN_{RGB|SAR}.tif' (distractor)")
