"""Batches of N optical chips followed by their N SAR partners."""
from collections import defaultdict
from itertools import product
from typing import Dict, Iterator, List, Optional, Tuple

import torch
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler

from sdfnet_mm.registry import DATA_SAMPLERS
from sdfnet_mm.structures import OPTICAL, SAR, parse_modality

Pair = Tuple[int, int]  # (optical index, SAR index)


@DATA_SAMPLERS.register_module()
class OptiSARPairSampler(Sampler):
    """The batch layout of TransOSS's contrastive pre-training.

    Each batch of a process is ``num_pairs`` optical chips followed by their
    ``num_pairs`` SAR partners (row ``i`` and row ``num_pairs + i`` are one
    pair); set the dataloader's ``batch_size`` to ``2 * num_pairs``. A pair
    is an optical and a SAR chip of one pair id (every combination counts).

    An epoch visits every pair once, except that a pair id gives at most
    ``B`` pairs per epoch (``B`` = batches per epoch) and the pairs that do
    not fill a last global batch wait for a later epoch. The global batch
    (``num_pairs x world_size`` pairs, the one the loss sees when features
    are gathered) holds each pair id at most once, so no row has a second
    positive. Each rank takes its own slice of every global batch: ranks get
    disjoint pairs, all drawn from the shared seed and the epoch
    (:meth:`set_epoch`), so a run is deterministic and every rank has the
    same number of batches.

    Args:
        dataset: A dataset whose data infos hold ``gt_label`` (the pair id)
            and ``modality`` (0 optical, 1 SAR), e.g.
            :class:`~sdfnet_mm.datasets.OptiSARPairDataset`.
        num_pairs (int): Pairs per batch and process (N).
        seed (int, optional): Shared random seed; synchronised across ranks
            when None.
    """

    def __init__(self, dataset, num_pairs: int = 64,
                 seed: Optional[int] = None) -> None:
        if num_pairs < 1:
            raise ValueError(f'OptiSARPairSampler: num_pairs={num_pairs}; '
                             'expected >= 1')
        self.num_pairs = num_pairs
        self.rank, self.world_size = get_dist_info()
        self.seed = sync_random_seed() if seed is None else seed
        self.epoch = 0
        self.pairs = self._pairs_by_identity(dataset)
        self.labels: List[int] = sorted(self.pairs)
        self.global_pairs = num_pairs * self.world_size
        self.batches_per_epoch = self._count_batches()

    @staticmethod
    def _pairs_by_identity(dataset) -> Dict[int, List[Pair]]:
        """{label: every (optical, SAR) index combination of the label}."""
        chips: Dict[int, tuple] = defaultdict(lambda: ([], []))
        for index in range(len(dataset)):
            info = dataset.get_data_info(index)
            modality = parse_modality(info['modality'],
                                      str(info.get('img_path', index)))
            chips[int(info['gt_label'])][modality].append(index)
        one_sided = sorted(k for k, v in chips.items() if not all(v))
        if one_sided:
            raise ValueError(
                f'OptiSARPairSampler: {len(one_sided)} pair id label(s) have '
                f'chips of one modality only (labels {one_sided[:10]}); '
                "build the dataset with incomplete_ids='drop'")
        return {label: list(product(sides[OPTICAL], sides[SAR]))
                for label, sides in chips.items()}

    def _count_batches(self) -> int:
        """Global batches per epoch: the largest ``B`` such that the pairs
        left when every id gives at most ``B`` fill ``B`` global batches."""
        batches = sum(map(len, self.pairs.values())) // self.global_pairs
        while batches > 0:
            usable = sum(min(len(p), batches) for p in self.pairs.values())
            if usable // self.global_pairs >= batches:
                return batches
            batches = usable // self.global_pairs
        raise ValueError(
            f'OptiSARPairSampler: {len(self.labels)} pair ids cannot fill one'
            f' global batch of {self.num_pairs} pairs x {self.world_size} '
            f'process(es) = {self.global_pairs} distinct ids; lower '
            'num_pairs or use fewer processes')

    @property
    def batch_size(self) -> int:
        """Chips per batch and process (N optical + N SAR)."""
        return 2 * self.num_pairs

    def global_batches(self) -> List[List[Pair]]:
        """This epoch's global batches, ``global_pairs`` pairs each.

        Pair ids in random order, each id's pairs (shuffled, at most ``B``)
        in a row; position ``i`` of that sequence goes to global batch
        ``i mod B``, so an id's pairs land in distinct batches.
        """
        generator = torch.Generator()
        generator.manual_seed(self.seed + self.epoch)
        count = self.batches_per_epoch
        sequence: List[Pair] = []
        for i in torch.randperm(len(self.labels), generator=generator):
            pairs = self.pairs[self.labels[i]]
            order = torch.randperm(len(pairs), generator=generator)[:count]
            sequence.extend(pairs[j] for j in order.tolist())
        sequence = sequence[:count * self.global_pairs]
        return [sequence[b::count] for b in range(count)]

    def __iter__(self) -> Iterator[int]:
        start = self.rank * self.num_pairs
        indices: List[int] = []
        for batch in self.global_batches():
            mine = batch[start:start + self.num_pairs]
            indices.extend(optical for optical, _ in mine)
            indices.extend(sar for _, sar in mine)
        return iter(indices)

    def __len__(self) -> int:
        return self.batches_per_epoch * self.batch_size

    def set_epoch(self, epoch: int) -> None:
        """Reshuffle pair ids and pairs for ``epoch``."""
        self.epoch = epoch
