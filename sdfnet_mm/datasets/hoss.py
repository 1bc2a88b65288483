"""HOSS ReID on disk: parse the split folders into a data list.

Layout (see ``reference/METHOD.md`` §1)::

    data_root/
      bounding_box_train/   PPPP_sXXcY_{RGB|SAR}.tif
      query/                PPPP_sXXcY_{RGB|SAR}.tif
      bounding_box_test/    PPPP_sXXcY_{RGB|SAR}.tif and -1_NNNN_{RGB|SAR}.tif
      subset/O2S/{query,bounding_box_test}/, subset/S2O/{...}/   (optional)

Only TIFF headers are read here (the chip size feeds the ship-size token);
pixels are decoded by :class:`~sdfnet_mm.datasets.transforms.LoadHOSSImage`.
"""
import os
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence, Tuple

from mmengine.dataset import BaseDataset
from PIL import Image

from sdfnet_mm.registry import DATASETS
from .modality import OPTICAL, SAR
from .ship_size import chip_size_m, ship_size_vector

#: ``PPPP_sXXcY_{RGB|SAR}.tif``: ship id, acquisition sequence, capture.
IDENTITY_NAME = re.compile(r'^(\d+)_s(\d+)c(\d+)_(RGB|SAR)\.tif$')
#: ``-1_NNNN_{RGB|SAR}.tif``: a distractor (id -1, never a match).
DISTRACTOR_NAME = re.compile(r'^-1_(\d+)_(RGB|SAR)\.tif$')
MODALITY_OF_SUFFIX = {'RGB': OPTICAL, 'SAR': SAR}
#: PIL image mode each modality must have: uint8 RGB, float32 single band.
EXPECTED_MODE = {OPTICAL: 'RGB', SAR: 'F'}

#: Evaluation settings: All, optical queries vs SAR gallery, and reverse.
SETTINGS = ('all', 'o2s', 's2o')


def parse_hoss_name(path: str) -> Dict:
    """Identity, modality, sequence and capture from a HOSS file name.

    Raises:
        ValueError: naming ``path`` when the name follows neither
            ``PPPP_sXXcY_{RGB|SAR}.tif`` nor ``-1_NNNN_{RGB|SAR}.tif``.
    """
    name = osp.basename(path)
    match = IDENTITY_NAME.match(name)
    if match:
        pid, seq, cap, suffix = match.groups()
        return dict(identity=int(pid), sequence=int(seq), capture=int(cap),
                    modality=MODALITY_OF_SUFFIX[suffix])
    match = DISTRACTOR_NAME.match(name)
    if match:
        return dict(identity=-1, sequence=-1, capture=-1,
                    modality=MODALITY_OF_SUFFIX[match.group(2)])
    raise ValueError(
        f'{path}: file name does not parse; expected '
        "'PPPP_sXXcY_RGB.tif' / 'PPPP_sXXcY_SAR.tif' (ship id, sequence, "
        "capture) or '-1_NNNN_{RGB|SAR}.tif' (distractor)")


def read_chip_header(path: str, modality: int) -> Tuple[int, int]:
    """(height, width) in pixels from the TIFF header, checking its type.

    Raises:
        ValueError: naming ``path`` when it cannot be read or its pixel type
            is not uint8 RGB (optical) / float32 single band (SAR).
    """
    try:
        with Image.open(path) as img:
            mode, (width, height) = img.mode, img.size
    except (OSError, SyntaxError) as err:
        raise ValueError(f'{path}: cannot read the image header ({err}); '
                         'expected a TIFF chip') from err
    expected = EXPECTED_MODE[modality]
    if mode != expected:
        kind = ('uint8 RGB (3 bands)'
                if modality == OPTICAL else 'float32 (1 band)')
        raise ValueError(f'{path}: PIL mode {mode!r}, expected {expected!r} '
                         f'({kind}) for this modality')
    return height, width


@DATASETS.register_module()
class HOSSDataset(BaseDataset):
    """HOSS ReID optical-SAR ship re-identification dataset.

    Args:
        data_root (str): The HOSS folder.
        split (str): ``'train'`` (``bounding_box_train``), ``'test'``
            (``query`` + ``bounding_box_test``, plus the ``subset/`` folders
            when present), ``'o2s'`` or ``'s2o'`` (one subset folder pair).
        pipeline (Sequence): Transforms applied to each item.
        **kwargs: Other :class:`mmengine.dataset.BaseDataset` arguments.

    Each data info holds ``img_path``, ``gt_label`` (train: ids relabelled
    0..N-1 in sorted order; test: the id in the file name, -1 for
    distractors), ``identity`` (the id in the file name), ``modality``
    (0 optical, 1 SAR), ``sequence``, ``capture``, ``chip_size_px`` and
    ``chip_size_m`` as (H, W), ``ship_size`` (the SSE 3-vector) and, for the
    test splits, ``is_query`` and ``settings`` (the evaluation settings among
    ``('all', 'o2s', 's2o')`` whose folders list the file).
    """

    SPLIT_FOLDERS = {
        'train': {'all': (('bounding_box_train', False), )},
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
    OPTIONAL_SETTINGS = ('o2s', 's2o')

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 pipeline: Sequence = (),
                 **kwargs) -> None:
        if split not in self.SPLIT_FOLDERS:
            raise ValueError(f'HOSSDataset: unknown split {split!r}; '
                             f'expected one of {list(self.SPLIT_FOLDERS)}')
        self.split = split
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
        if self.is_train:
            self._relabel(data_list)
            for info in data_list:
                del info['is_query'], info['settings']
        else:
            for info in data_list:
                info['settings'] = tuple(info['settings'])
        return data_list

    def _parse_item(self, path: str, is_query: bool) -> dict:
        parsed = parse_hoss_name(path)
        modality = parsed['modality']
        height, width = read_chip_header(path, modality)
        return dict(
            img_path=path,
            gt_label=parsed['identity'],
            identity=parsed['identity'],
            modality=modality,
            sequence=parsed['sequence'],
            capture=parsed['capture'],
            chip_size_px=(height, width),
            chip_size_m=chip_size_m(height, width, modality),
            ship_size=ship_size_vector(height, width, modality),
            is_query=is_query,
            settings=[])

    def _relabel(self, data_list: List[dict]) -> None:
        """Train ids to 0..N-1 in sorted order; distractors are an error."""
        for info in data_list:
            if info['identity'] < 0:
                raise ValueError(f"{info['img_path']}: a distractor (id -1) "
                                 'in the training split; expected ids >= 0')
        ids = sorted({info['identity'] for info in data_list})
        label_of = {pid: label for label, pid in enumerate(ids)}
        for info in data_list:
            info['gt_label'] = label_of[info['identity']]
        self._metainfo['num_ids'] = len(ids)

    @property
    def num_ids(self) -> Optional[int]:
        """Number of training identities (classifier width)."""
        return self.metainfo.get('num_ids')
