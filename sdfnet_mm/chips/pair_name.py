"""OptiSar_Pair file names: the pair id and the modality of a chip.

TransOSS's pre-training set (``OptiSar_Pair/<folder>/<name>``) names a chip
``<field>_<pair id>[_<more fields>]_{RGB|SAR}.{tif|png}``: the pair id is the
second ``_``-separated field (an integer) and the last field the modality.
Every optical chip of a pair id goes with every SAR chip of that id,
whatever sub-folder holds them (the authors' ``datasets/pretrain.py``).
"""
import os.path as osp
import re
from typing import NamedTuple

from .hoss_name import MODALITY_OF_SUFFIX

PAIR_NAME = re.compile(r'^[^_]*_(\d+)(?:_[^/]*)?_(RGB|SAR)\.(tif|png)$')


class PairName(NamedTuple):
    """What an OptiSar_Pair file name says: pair id, modality."""
    pair_id: int
    modality: int


def parse_pair_name(path: str) -> PairName:
    """Pair id and modality from an OptiSar_Pair file name.

    Raises:
        ValueError: naming ``path`` when the name is not
            ``X_<pair id>[_...]_{RGB|SAR}.{tif|png}``.
    """
    name = osp.basename(path)
    match = PAIR_NAME.match(name)
    if match is None:
        raise ValueError(
            f'{path}: file name does not parse; expected '
            "'<field>_<pair id>[_...]_RGB.tif' or '..._SAR.tif' (.png too): "
            'the pair id is the second _-separated field, an integer')
    return PairName(int(match.group(1)), MODALITY_OF_SUFFIX[match.group(2)])
