"""HOSS ReID on disk: parse the split folders into a data list.

Layout (see ``docs/method.md`` §1)::

    data_root/
      bounding_box_train/   PPPP_sXXcY_{RGB|SAR}.tif
      query/                PPPP_sXXcY_{RGB|SAR}.tif
      bounding_box_test/    PPPP_sXXcY_{RGB|SAR}.tif and -1_NNNN_{RGB|SAR}.tif
      subset/O2S/{query,bounding_box_test}/, subset/S2O/{...}/   (optional)

Only TIFF headers are read here (the chip size feeds the ship-size token),
and every chip must be in the HOSS format (optical uint8 RGB, SAR float32);
pixels are decoded by :class:`~sdfnet_mm.datasets.transforms.LoadHOSSImage`.
A validation split is carved from the training identities with ``val_ids``
(:mod:`.validation_split`).
"""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

from mmengine.dataset import BaseDataset

from sdfnet_mm.chips import (chip_info, hoss_format_problem, parse_hoss_name,
                             read_chip_header)
from sdfnet_mm.registry import DATASETS
from sdfnet_mm.structures import CROSS_MODAL
from .validation_split import ValidationIds, mark_validation_queries


@DATASETS.register_module()
class HOSSDataset(BaseDataset):
    """HOSS ReID optical-SAR ship re-identification dataset.

    Args:
        data_root (str): The HOSS folder.
        split (str): ``'train'`` (``bounding_box_train``), ``'val'`` (the
            identities of ``bounding_box_train`` held out by ``val_ids``, as
            queries and gallery), ``'test'`` (``query`` +
            ``bounding_box_test``, plus the ``subset/`` folders when
            present), ``'o2s'`` or ``'s2o'`` (one subset folder pair).
        pipeline (Sequence): Transforms applied to each item.
        val_ids (dict | ValidationIds, optional): Training identities held
            out for validation, e.g. ``dict(num=40, seed=0)`` or
            ``dict(fraction=0.1, seed=0)`` (see :class:`ValidationIds`):
            ``'train'`` leaves them out, ``'val'`` returns them. Required by
            ``'val'``, refused by the test splits. Defaults to None.
        **kwargs: Other :class:`mmengine.dataset.BaseDataset` arguments.

    Each data info holds ``img_path``, ``gt_label`` (train: ids relabelled
    0..N-1 in sorted order over the identities kept; val and test: the id
    in the file name, -1 for distractors), ``identity`` (the id in the file
    name), ``modality`` (0 optical, 1 SAR), ``chip_size_m`` as (H, W) in
    metres, ``ship_size`` (the SSE 3-vector) and, for the val and test
    splits, ``is_query`` and ``settings`` (the evaluation settings among
    ``('all', 'o2s', 's2o')`` whose folders list the file; ``('all',)`` for
    val, whose O->S and S->O come from the modality filter). With
    ``val_ids``, ``metainfo['val_ids']`` lists the held-out identities.
    """

    SPLIT_FOLDERS = {
        'train': {'all': (('bounding_box_train', False), )},
        'val': {'all': (('bounding_box_train', False), )},
        'test': {
            'all': (('query', True), ('bounding_box_test', False)),
            'o2s': (('subset/O2S/query', True),
                    ('subset/O2S/bounding_box_test', False)),
            's2o': (('subset/S2O/query', True),
                    ('subset/S2O/bounding_box_test', False)),
        },
        'o2s': {'all': (('subset/O2S/query', True),
                        ('subset/O2S/bounding_box_test', False))},
        's2o': {'all': (('subset/S2O/query', True),
                        ('subset/S2O/bounding_box_test', False))},
    }
    #: Settings whose folders are optional for the ``'test'`` split.
    OPTIONAL_SETTINGS = tuple(CROSS_MODAL)

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 pipeline: Sequence = (),
                 val_ids: Union[None, dict, ValidationIds] = None,
                 **kwargs) -> None:
        if split not in self.SPLIT_FOLDERS:
            raise ValueError(f'HOSSDataset: unknown split {split!r}; '
                             f'expected one of {list(self.SPLIT_FOLDERS)}')
        self.split = split
        self.val_ids = ValidationIds.build(val_ids)
        if split == 'val' and self.val_ids is None:
            raise ValueError("HOSSDataset(split='val') needs val_ids, e.g. "
                             'val_ids=dict(num=40, seed=0)')
        if split not in ('train', 'val') and self.val_ids is not None:
            raise ValueError(f'HOSSDataset(split={split!r}): val_ids only '
                             "applies to the 'train' and 'val' splits")
        kwargs.setdefault('test_mode', split != 'train')
        super().__init__(
            data_root=data_root, pipeline=list(pipeline), **kwargs)

    @property
    def is_train(self) -> bool:
        return self.split == 'train'

    def _folder(self, relative: str) -> str:
        return osp.join(self.data_root, relative)

    def _list_folder(self, relative: str) -> List[str]:
        folder = self._folder(relative)
        if not osp.isdir(folder):
            raise FileNotFoundError(
                f'HOSSDataset(split={self.split!r}): folder {folder} not '
                f'found; expected the HOSS layout under {self.data_root} '
                '(bounding_box_train/, query/, bounding_box_test/)')
        names = sorted(os.listdir(folder))
        if not names:
            raise ValueError(f'HOSSDataset(split={self.split!r}): folder '
                             f'{folder} is empty; expected .tif chips')
        return [osp.join(folder, name) for name in names]

    def _present_settings(self) -> Dict[str, tuple]:
        """The settings whose folders this split reads."""
        if not osp.isdir(self.data_root):
            raise FileNotFoundError(
                f'HOSSDataset: data_root {self.data_root} does not exist; '
                'expected a HOSS folder')
        settings = dict(self.SPLIT_FOLDERS[self.split])
        if self.split == 'test':
            for name in self.OPTIONAL_SETTINGS:
                if not all(
                        osp.isdir(self._folder(rel))
                        for rel, _ in settings[name]):
                    del settings[name]
        return settings

    def load_data_list(self) -> List[dict]:
        """Parse every split folder; one data info per distinct file."""
        items: Dict[tuple, dict] = {}  # keyed by (is_query, file name)
        for setting, folders in self._present_settings().items():
            for relative, is_query in folders:
                for path in self._list_folder(relative):
                    key = (is_query, osp.basename(path))
                    if key not in items:
                        items[key] = self._parse_item(path, is_query)
                    items[key]['settings'].append(setting)
        data_list = list(items.values())
        if self.split in ('train', 'val'):
            self._check_no_distractors(data_list)
        if self.val_ids is not None:
            data_list = self._carve_validation(data_list)
        if self.is_train:
            self._relabel(data_list)
            for info in data_list:
                del info['is_query'], info['settings']
        else:
            for info in data_list:
                info['settings'] = tuple(info['settings'])
        return data_list

    def _carve_validation(self, data_list: List[dict]) -> List[dict]:
        """The items of the kept (train) or held-out (val) identities; the
        val queries marked."""
        modalities_of: Dict[int, set] = {}
        for info in data_list:
            modalities_of.setdefault(info['identity'], set()).add(
                info['modality'])
        held_out = self.val_ids.select(modalities_of)
        self._metainfo['val_ids'] = tuple(held_out)
        held = set(held_out)
        if self.is_train:
            return [info for info in data_list
                    if info['identity'] not in held]
        data_list = [info for info in data_list if info['identity'] in held]
        mark_validation_queries(data_list)
        return data_list

    def _parse_item(self, path: str, is_query: bool) -> dict:
        identity, modality = parse_hoss_name(path)
        header = read_chip_header(path)
        problem = hoss_format_problem(header, modality)
        if problem:
            raise ValueError(f'{path}: {problem}')
        chip = chip_info(header, modality)
        return dict(
            img_path=path,
            gt_label=identity,
            identity=identity,
            modality=modality,
            chip_size_m=chip.size_m,
            ship_size=chip.ship_size,
            is_query=is_query,
            settings=[])

    @staticmethod
    def _check_no_distractors(data_list: List[dict]) -> None:
        for info in data_list:
            if info['identity'] < 0:
                raise ValueError(f"{info['img_path']}: a distractor (id -1) "
                                 'in the training split; expected ids >= 0')

    def _relabel(self, data_list: List[dict]) -> None:
        """Train ids to 0..N-1 in sorted order."""
        ids = sorted({info['identity'] for info in data_list})
        label_of = {pid: label for label, pid in enumerate(ids)}
        for info in data_list:
            info['gt_label'] = label_of[info['identity']]
        self._metainfo['num_ids'] = len(ids)

    @property
    def num_ids(self) -> Optional[int]:
        """Number of training identities (classifier width)."""
        return self.metainfo.get('num_ids')
