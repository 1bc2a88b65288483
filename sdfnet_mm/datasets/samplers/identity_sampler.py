"""What the identity samplers share: identities of a dataset and their
share on each process."""
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler

from sdfnet_mm.structures import parse_modality


class IdentitySampler(Sampler):
    """Base of the P x K identity samplers.

    ``groups`` maps each training label to its (optical, SAR) dataset
    indices. Every epoch the identities are shuffled with the shared seed
    and dealt to the processes: each gets ``len(identities) // world_size``
    whole identities, disjoint across processes (the left-over ones change
    from epoch to epoch).

    Args:
        dataset: A dataset whose data infos hold ``gt_label`` and
            ``modality`` (0 optical, 1 SAR).
        seed (int, optional): Shared random seed; synchronised across
            processes when None.
    """

    def __init__(self, dataset, seed: Optional[int] = None) -> None:
        self.rank, self.world_size = get_dist_info()
        self.seed = sync_random_seed() if seed is None else seed
        self.epoch = 0
        self.groups = self._group_by_identity(dataset)

    @staticmethod
    def _group_by_identity(dataset) -> Dict[int, Tuple[list, list]]:
        """{label: (optical indices, SAR indices)} in dataset order."""
        groups: Dict[int, Tuple[list, list]] = {}
        for index in range(len(dataset)):
            info = dataset.get_data_info(index)
            label = int(info['gt_label'])
            modality = parse_modality(info['modality'],
                                      str(info.get('img_path', index)))
            groups.setdefault(label, ([], []))[modality].append(index)
        return groups

    def _check_share(self, identities: List[int], num_ids: int) -> int:
        """Identities per process; an error when fewer than ``num_ids``."""
        per_rank = len(identities) // self.world_size
        if per_rank < num_ids:
            raise ValueError(
                f'{type(self).__name__}: {len(identities)} usable '
                f'identities over {self.world_size} process(es) give '
                f'{per_rank} per process, fewer than num_ids={num_ids}; '
                'lower num_ids or use fewer processes')
        return per_rank

    def _rank_share(self, identities: List[int],
                    generator: torch.Generator) -> List[int]:
        """This process's identities of the epoch (``generator`` seeded
        alike on every process)."""
        per_rank = len(identities) // self.world_size
        order = torch.randperm(len(identities), generator=generator)
        dealt = order[:per_rank * self.world_size]
        return [identities[i] for i in dealt[self.rank::self.world_size]]

    def set_epoch(self, epoch: int) -> None:
        """Reshuffle identities and images for ``epoch``."""
        self.epoch = epoch
