"""Chip files under folders, for tools that take a whole archive."""
import os
import os.path as osp
from typing import List, Sequence

from .chip_file import CHIP_EXTENSIONS


def find_chips(folders: Sequence[str]) -> List[str]:
    """Absolute paths of the chip files (:data:`CHIP_EXTENSIONS`, any case)
    under ``folders``, subfolders included, each folder's in sorted order,
    every file once.

    Raises:
        FileNotFoundError: naming a folder that does not exist.
        ValueError: naming the folders when they hold no chip.
    """
    found: List[str] = []
    seen = set()
    for folder in folders:
        if not osp.isdir(folder):
            raise FileNotFoundError(f'{folder}: not a folder; expected a '
                                    'folder of chips')
        for root, dirs, names in os.walk(osp.abspath(folder)):
            dirs.sort()
            for name in sorted(names):
                path = osp.join(root, name)
                if name.lower().endswith(CHIP_EXTENSIONS) and \
                        path not in seen:
                    seen.add(path)
                    found.append(path)
    if not found:
        raise ValueError(f'{", ".join(map(str, folders))}: no '
                         f'{"/".join(CHIP_EXTENSIONS)} chips under these '
                         'folders')
    return found
