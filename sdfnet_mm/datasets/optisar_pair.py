"""OptiSar_Pair on disk: co-registered optical-SAR chips for TransOSS's
contrastive pre-training.

Layout (the authors' ``datasets/pretrain.py``)::

    data_root/
      <folder>/   X_<pair id>[_...]_{RGB|SAR}.{tif|png}
      <folder>/   ...

The pair id is the second ``_`` field of a name, whatever folder holds it;
every optical chip of an id goes with every SAR chip of that id. Only image
headers are read here; :class:`~sdfnet_mm.datasets.transforms.LoadHOSSImage`
decodes the pixels with the ``sar_scale`` each SAR chip's data info
carries (:func:`~sdfnet_mm.chips.pair_sar_scale`).
"""
import logging
import os
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Optional, Sequence

from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from sdfnet_mm.chips import pair_sar_scale, parse_pair_name, read_chip_header
from sdfnet_mm.registry import DATASETS
from sdfnet_mm.structures import OPTICAL, SAR

#: Pair ids named in a log line or error before the rest is counted.
_SHOWN_IDS = 20


@DATASETS.register_module()
class OptiSARPairDataset(BaseDataset):
    """Optical-SAR chip pairs (TransOSS's ``OptiSar_Pair``), one data info
    per chip.

    Args:
        data_root (str): The ``OptiSar_Pair`` folder.
        pipeline (Sequence): Transforms applied to each chip.
        incomplete_ids (str): What to do with pair ids that have chips of
            one modality only: ``'error'`` (default) raises naming them,
            ``'drop'`` leaves their chips out and logs them.
        sar_scale (str, optional): How SAR pixels are read: ``None``
            (default) as the authors' loader does, float as amplitude and
            8-bit as display values (``'display'``); or a scale declared
            for all SAR chips (``'amplitude'``, ``'intensity'``, ``'db'``,
            ``'display'``), e.g. for pairs of another sensor.
        **kwargs: Other :class:`mmengine.dataset.BaseDataset` arguments.

    Each data info holds ``img_path``, ``gt_label`` (pair ids relabelled
    0..N-1 in sorted order), ``identity`` (the pair id in the name) and
    ``modality`` (0 optical, 1 SAR) and, for SAR chips, ``sar_scale`` (read
    by ``LoadHOSSImage``). ``metainfo`` gives ``num_ids`` and
    ``num_pairs`` (optical x SAR combinations summed over the ids), the
    units :class:`~sdfnet_mm.datasets.OptiSARPairSampler` draws.
    """

    INCOMPLETE_POLICIES = ('error', 'drop')

    def __init__(self,
                 data_root: str,
                 pipeline: Sequence = (),
                 incomplete_ids: str = 'error',
                 sar_scale: Optional[str] = None,
                 **kwargs) -> None:
        if incomplete_ids not in self.INCOMPLETE_POLICIES:
            raise ValueError(f'OptiSARPairDataset: incomplete_ids='
                             f'{incomplete_ids!r}; expected one of '
                             f'{self.INCOMPLETE_POLICIES}')
        self.incomplete_ids = incomplete_ids
        self.sar_scale = sar_scale
        super().__init__(
            data_root=data_root, pipeline=list(pipeline), **kwargs)

    def _chip_paths(self) -> List[str]:
        """Every chip path, folders and names sorted; layout faults raise."""
        if not osp.isdir(self.data_root):
            raise FileNotFoundError(
                f'OptiSARPairDataset: data_root {self.data_root} does not '
                'exist; expected an OptiSar_Pair folder of sub-folders of '
                'X_<pair id>_..._{RGB|SAR}.{tif|png} chips')
        entries = sorted(os.listdir(self.data_root))
        folders = [e for e in entries
                   if osp.isdir(osp.join(self.data_root, e))]
        loose = [e for e in entries if e not in folders]
        if loose:
            print_log(f'OptiSARPairDataset: {len(loose)} file(s) at the top '
                      f'of {self.data_root} ignored (e.g. {loose[0]}); chips '
                      'live in its sub-folders', logger='current',
                      level=logging.WARNING)
        if not folders:
            raise ValueError(f'OptiSARPairDataset: {self.data_root} has no '
                             'sub-folder; expected <folder>/X_<pair id>_..._'
                             '{RGB|SAR}.{tif|png}')
        paths = []
        for folder in folders:
            for name in sorted(os.listdir(osp.join(self.data_root, folder))):
                path = osp.join(self.data_root, folder, name)
                if osp.isdir(path):
                    raise ValueError(f'{path}: a folder inside a chip folder;'
                                     ' expected chips directly in '
                                     f'{osp.join(self.data_root, folder)}')
                paths.append(path)
        if not paths:
            raise ValueError(f'OptiSARPairDataset: no chip in the sub-folders'
                             f' of {self.data_root}')
        return paths

    def load_data_list(self) -> List[dict]:
        """Parse every chip; relabel pair ids; handle incomplete ids."""
        data_list = []
        for path in self._chip_paths():
            pair_id, modality = parse_pair_name(path)
            scale = pair_sar_scale(read_chip_header(path), modality,
                                   self.sar_scale)
            info = dict(img_path=path, identity=pair_id, modality=modality)
            if scale is not None:
                info['sar_scale'] = scale
            data_list.append(info)
        modalities: Dict[int, set] = defaultdict(set)
        for info in data_list:
            modalities[info['identity']].add(info['modality'])
        incomplete = sorted(k for k, v in modalities.items() if len(v) < 2)
        if incomplete:
            data_list = self._handle_incomplete(data_list, incomplete)
        ids = sorted({info['identity'] for info in data_list})
        label_of = {pair_id: label for label, pair_id in enumerate(ids)}
        counts = defaultdict(lambda: [0, 0])
        for info in data_list:
            info['gt_label'] = label_of[info['identity']]
            counts[info['identity']][info['modality']] += 1
        self._metainfo.update(
            num_ids=len(ids),
            num_pairs=sum(n[OPTICAL] * n[SAR] for n in counts.values()))
        return data_list

    def _handle_incomplete(self, data_list: List[dict],
                           incomplete: List[int]) -> List[dict]:
        """Raise or drop (and log) the ids with one modality only."""
        shown = ', '.join(map(str, incomplete[:_SHOWN_IDS]))
        more = len(incomplete) - _SHOWN_IDS
        names = f'{shown}' + (f' and {more} more' if more > 0 else '')
        message = (f'OptiSARPairDataset: {len(incomplete)} pair id(s) in '
                   f'{self.data_root} have chips of one modality only: '
                   f'{names}')
        if self.incomplete_ids == 'error':
            raise ValueError(f'{message}; expected RGB and SAR chips for '
                             "every pair id (incomplete_ids='drop' leaves "
                             'them out)')
        dropped = set(incomplete)
        kept = [info for info in data_list if info['identity'] not in dropped]
        print_log(f'{message}; their {len(data_list) - len(kept)} chip(s) '
                  "are left out (incomplete_ids='drop')", logger='current',
                  level=logging.WARNING)
        if not kept:
            raise ValueError(f'OptiSARPairDataset: no pair id of '
                             f'{self.data_root} has both modalities')
        return kept

    @property
    def num_ids(self) -> int:
        """Number of pair ids."""
        return self.metainfo['num_ids']

    @property
    def num_pairs(self) -> int:
        """Optical x SAR combinations over all pair ids."""
        return self.metainfo['num_pairs']
