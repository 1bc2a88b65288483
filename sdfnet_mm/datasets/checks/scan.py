"""Scan one folder of chips for a check, recording every fault."""
import os
import os.path as osp
from typing import Callable, Dict, List, Tuple

from mmengine.utils import track_iter_progress

from sdfnet_mm.chips import ChipHeader, read_chip_header, read_chip_rgb
from .report import CheckReport

Chip = Tuple[str, int, int]  # path, id, modality
#: (header, modality) -> the options read_chip_rgb needs for the chip;
#: raises ValueError naming the file when it has the wrong format.
ReadOptions = Callable[[ChipHeader, int], Dict]


def scan_folder(report: CheckReport, folder: str,
                parse_name: Callable[[str], Tuple[int, int]],
                read_options: ReadOptions, decode: bool) -> List[Chip]:
    """Every chip of ``folder`` whose name parses and whose format fits
    (the header checked by ``read_options``; with ``decode`` the whole
    image read as the model reads it, with a progress bar). Each fault (a
    nested folder, a name, a format, a file that does not decode, an empty
    folder) is added to ``report`` naming it."""
    chips = []
    names = sorted(os.listdir(folder))
    for name in track_iter_progress(names) if decode and names else names:
        path = osp.join(folder, name)
        if osp.isdir(path):
            report.faults.append(f'{path}: a folder inside {folder}; '
                                 'expected chips only')
            continue
        try:
            identity, modality = parse_name(path)
            options = read_options(read_chip_header(path), modality)
            if decode:
                read_chip_rgb(path, modality, **options)
        except ValueError as err:
            report.faults.append(str(err))
            continue
        chips.append((path, identity, modality))
    if not names:
        report.faults.append(f'{folder}: empty; expected chips')
    return chips
