"""Verify an unpacked OptiSar_Pair copy (TransOSS's pre-training pairs):
layout, names, pixel types, pair ids with one modality, and the counts.

No pair or chip count of OptiSar_Pair is published in the authors' README,
code or paper; the maintainer gave its unpacked size (Alioth2000/Hoss-ReID
issue #13: ``du -sh OptiSar_Pair`` prints ``8.0G``), so completeness is
judged by the disk usage, as ``du`` counts it.
"""
import os
import os.path as osp
from collections import defaultdict
from typing import Dict, List

from sdfnet_mm.chips import ChipHeader, pair_sar_scale, parse_pair_name
from sdfnet_mm.structures import OPTICAL, SAR
from .report import CheckReport, SplitCount
from .scan import Chip, scan_folder

#: ``du -sh`` of the maintainer's copy, and the share below which a copy
#: is reported as partial (``du`` rounds 7.95-8.05 GiB to 8.0G).
PUBLISHED_GIB = 8.0
COMPLETE_SHARE = 0.95
_SHOWN_IDS = 20


def _disk_usage(paths: List[str]) -> int:
    """Bytes allocated on disk, as ``du`` counts them."""
    return sum(os.stat(p).st_blocks * 512 for p in paths)


def _pair_format(header: ChipHeader, modality: int) -> dict:
    """The SAR scale a pair chip is read with (as OptiSARPairDataset)."""
    return dict(sar_scale=pair_sar_scale(header, modality))


def _count(name: str, chips: List[Chip]) -> SplitCount:
    return SplitCount(name, len(chips), len({c[1] for c in chips}),
                      sum(c[2] == OPTICAL for c in chips),
                      sum(c[2] == SAR for c in chips))


def check_optisar_pair(root: str, decode: bool = True) -> CheckReport:
    """Check the OptiSar_Pair copy at ``root`` (``<folder>/X_<pair id>_..._
    {RGB|SAR}.{tif|png}``).

    Args:
        root: The ``OptiSar_Pair`` folder.
        decode: Decode every chip; False reads headers only.
    """
    report = CheckReport('OptiSar_Pair', root)
    if not osp.isdir(root):
        report.faults.append(f'{root}: not a folder; expected the '
                             'OptiSar_Pair folder of chip folders')
        return report
    entries = sorted(os.listdir(root))
    folders = [e for e in entries if osp.isdir(osp.join(root, e))]
    if len(folders) < len(entries):
        report.notes.append(f'{len(entries) - len(folders)} file(s) at the '
                            f'top of {root} ignored (chips live in its '
                            'sub-folders)')
    if not folders:
        report.faults.append(f'{root}: no sub-folder; expected <folder>/'
                             'X_<pair id>_..._{RGB|SAR}.{tif|png}')
        return report
    everything: List[Chip] = []
    for folder in folders:
        chips = scan_folder(report, osp.join(root, folder), parse_pair_name,
                            _pair_format, decode)
        report.counts.append(_count(folder, chips))
        everything += chips
    report.counts.append(_count('all folders', everything))
    sides: Dict[int, set] = defaultdict(set)
    per_id = defaultdict(lambda: [0, 0])
    for _, pair_id, modality in everything:
        sides[pair_id].add(modality)
        per_id[pair_id][modality] += 1
    one_sided = sorted(k for k, v in sides.items() if len(v) < 2)
    if one_sided:
        shown = ', '.join(map(str, one_sided[:_SHOWN_IDS]))
        report.notes.append(
            f'{len(one_sided)} pair id(s) with chips of one modality only '
            f'(no pair; OptiSARPairDataset raises unless incomplete_ids='
            f"'drop'): {shown}" + (' ...' if len(one_sided) > _SHOWN_IDS
                                   else ''))
    pairs = sum(n[OPTICAL] * n[SAR] for n in per_id.values())
    report.notes.append(f'{pairs:,} optical x SAR pairs over '
                        f'{len(per_id) - len(one_sided):,} pair ids')
    gib = _disk_usage([c[0] for c in everything]) / 2**30
    report.notes.append(f'{gib:.2f} GiB of chips on disk (published: about '
                        f'{PUBLISHED_GIB} GiB by du -sh)')
    if gib < COMPLETE_SHARE * PUBLISHED_GIB:
        report.partial_reason = (
            f'{gib:.2f} GiB of chips, less than {COMPLETE_SHARE:.0%} of the '
            f'published {PUBLISHED_GIB} GiB')
    return report
