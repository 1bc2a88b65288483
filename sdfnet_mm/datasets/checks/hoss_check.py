"""Verify an unpacked HOSS ReID copy: layout, names, pixel types, the
protocol's rules, the subsets, and the counts beside the published ones."""
import os
import os.path as osp
from typing import Dict, List, Set

from sdfnet_mm.chips import ChipHeader, hoss_format_problem, parse_hoss_name
from sdfnet_mm.structures import OPTICAL, SAR
from .report import CheckReport, SplitCount
from .scan import Chip, scan_folder

SPLITS = ('bounding_box_train', 'query', 'bounding_box_test')
#: The published HOSS ReID (docs/method.md §1): chips and ids per split;
#: the gallery's 177 ids count the distractors (id -1) as one.
PUBLISHED = {'bounding_box_train': (1063, 361), 'query': (176, None),
             'bounding_box_test': (593, 177)}
PUBLISHED_TEST_CHIPS = 769
#: Subset folders and the modality of their query / gallery chips.
SUBSETS = {'O2S': (OPTICAL, SAR), 'S2O': (SAR, OPTICAL)}


def _hoss_format(header: ChipHeader, modality: int) -> dict:
    """Nothing to declare for a HOSS chip; a chip of another format raises
    naming its file."""
    problem = hoss_format_problem(header, modality)
    if problem:
        raise ValueError(f'{header.path}: {problem}')
    return {}


def _list_chips(report: CheckReport, folder: str, decode: bool
                ) -> List[Chip]:
    return scan_folder(report, folder, parse_hoss_name, _hoss_format,
                       decode)


def _count(split: str, chips: List[Chip]) -> SplitCount:
    published_chips, published_ids = PUBLISHED.get(split, (None, None))
    return SplitCount(split, len(chips), len({c[1] for c in chips}),
                      sum(c[2] == OPTICAL for c in chips),
                      sum(c[2] == SAR for c in chips), published_chips,
                      published_ids)


def _protocol_faults(report: CheckReport, chips: Dict[str, List[Chip]]
                     ) -> None:
    """Distractors only in the gallery; train ids apart from test ids; no
    chip both a query and a gallery chip."""
    for split in ('bounding_box_train', 'query'):
        for path, identity, _ in chips[split]:
            if identity < 0:
                report.faults.append(f'{path}: a distractor (id -1) in '
                                     f'{split}/; expected only in '
                                     'bounding_box_test/')
    test_ids: Set[int] = {c[1] for s in ('query', 'bounding_box_test')
                          for c in chips[s] if c[1] >= 0}
    for path, identity, _ in chips['bounding_box_train']:
        if identity in test_ids:
            report.faults.append(f'{path}: id {identity} is also a test id;'
                                 ' expected disjoint train and test ids')
    gallery = {osp.basename(c[0]) for c in chips['bounding_box_test']}
    for path, _, _ in chips['query']:
        if osp.basename(path) in gallery:
            report.faults.append(f'{path}: also in bounding_box_test/; '
                                 'expected a chip in one of them')


def _check_subsets(report: CheckReport, root: str, decode: bool) -> None:
    """``subset/{O2S,S2O}/{query,bounding_box_test}``: present together,
    each chip of the modality its setting names."""
    subset = osp.join(root, 'subset')
    if not osp.isdir(subset):
        report.notes.append('no subset/ folder: O->S and S->O come from '
                            'filtering the All split by modality')
        return
    for name, modalities in SUBSETS.items():
        for folder, modality in zip(('query', 'bounding_box_test'),
                                    modalities):
            path = osp.join(subset, name, folder)
            if not osp.isdir(path):
                report.faults.append(f'{path}: missing; expected subset/'
                                     f'{name}/query and bounding_box_test')
                continue
            chips = _list_chips(report, path, decode)
            for chip, identity, chip_modality in chips:
                if chip_modality != modality and identity >= 0:
                    report.faults.append(
                        f'{chip}: a {"SAR" if chip_modality else "optical"}'
                        f' chip in subset/{name}/{folder}; expected '
                        f'{"SAR" if modality else "optical"} only')
            report.counts.append(_count(f'subset/{name}/{folder}', chips))


def check_hoss(root: str, decode: bool = True) -> CheckReport:
    """Check the HOSS ReID copy at ``root``.

    Args:
        root: The ``HOSS`` folder.
        decode: Decode every chip (catches truncated files and SAR values
            no stretch fits); False reads headers only.
    """
    report = CheckReport('HOSS ReID', root)
    if not osp.isdir(root):
        report.faults.append(f'{root}: not a folder; expected the HOSS '
                             'folder (bounding_box_train/, query/, '
                             'bounding_box_test/)')
        return report
    extra = sorted(set(os.listdir(root)) - set(SPLITS) - {'subset'})
    if extra:
        report.notes.append(f'ignored at the top of {root}: '
                            f'{", ".join(extra)}')
    chips: Dict[str, List[Chip]] = {}
    for split in SPLITS:
        folder = osp.join(root, split)
        if not osp.isdir(folder):
            report.faults.append(f'{folder}: missing; expected the HOSS '
                                 'layout')
            chips[split] = []
            continue
        chips[split] = _list_chips(report, folder, decode)
        report.counts.append(_count(split, chips[split]))
    test_chips = len(chips['query']) + len(chips['bounding_box_test'])
    report.counts.append(SplitCount(
        'test (query + gallery)', test_chips,
        len({c[1] for s in ('query', 'bounding_box_test')
             for c in chips[s]}),
        sum(c[2] == OPTICAL for s in ('query', 'bounding_box_test')
            for c in chips[s]),
        sum(c[2] == SAR for s in ('query', 'bounding_box_test')
            for c in chips[s]), PUBLISHED_TEST_CHIPS))
    _protocol_faults(report, chips)
    _check_subsets(report, root, decode)
    for count in report.counts:
        if count.status == 'more':
            report.faults.append(
                f'{root}: {count.split} has {count.chips} chips / '
                f'{count.ids} ids, more than the published '
                f'{count.published_chips} / {count.published_ids}; expected'
                ' the published HOSS ReID or a part of it')
    return report
