"""The authors' P x K identity sampling, without modality balance."""
from typing import Dict, Iterator, List, Optional

import torch

from sdfnet_mm.registry import DATA_SAMPLERS
from .identity_sampler import IdentitySampler


@DATA_SAMPLERS.register_module()
class RandomIdentitySampler(IdentitySampler):
    """Batches of ``num_ids`` random identities x ``num_instances`` images
    of any modality: the ``RandomIdentitySampler`` of the SDF-Net / TransOSS
    code (``DATALOADER.SAMPLER='softmax_triplet'``, ``NUM_INSTANCE=4``).

    Every epoch, each identity's images are cut into chunks of K =
    ``num_instances``: an identity with fewer than K images gets K draws
    with replacement (one chunk); otherwise its images are shuffled and
    split, the last incomplete chunk dropped. Each batch then takes one
    chunk from each of ``num_ids`` distinct identities picked uniformly
    among those with chunks left.

    Epoch length: ``C // (num_ids * world_size)`` batches per process,
    ``C`` the number of chunks of the whole training set (``sum over
    identities of max(n, K) // K``), i.e. every chunk once per epoch over
    all processes, the batches the authors' draw makes when it does not
    stall. Their loop stops as soon as fewer than ``num_ids`` identities
    have chunks left, which can end an epoch a few batches early when some
    identity has 2K or more images; here the length is kept constant (as
    MMEngine's loops, schedulers and the processes need) by cutting fresh
    chunks of the exhausted identities in that case.

    Under torch.distributed the identities are dealt to the processes as in
    :class:`CrossModalIdentitySampler`: whole identities, disjoint across
    processes (the authors' DDP variant splits each global batch instead,
    so their processes share identities over an epoch).

    Args:
        dataset: A dataset whose data infos hold ``gt_label`` and
            ``modality``.
        num_ids (int): Identities per batch (P). Defaults to 8.
        num_instances (int): Images per identity (K). Defaults to 4.
        seed (int, optional): Shared random seed; synchronised across
            processes when None.
    """

    def __init__(self,
                 dataset,
                 num_ids: int = 8,
                 num_instances: int = 4,
                 seed: Optional[int] = None) -> None:
        if num_ids < 1 or num_instances < 1:
            raise ValueError('RandomIdentitySampler: num_ids and '
                             'num_instances must be >= 1, got '
                             f'{num_ids} and {num_instances}')
        self.num_ids = num_ids
        self.num_instances = num_instances
        super().__init__(dataset, seed)
        self.images: Dict[int, List[int]] = {
            label: sorted(optical + sar)
            for label, (optical, sar) in self.groups.items()
        }
        self.identities: List[int] = sorted(self.images)
        # At least num_ids identities per process, so at least one batch:
        # every identity gives one chunk or more.
        self._check_share(self.identities, num_ids)
        self.num_chunks = sum(
            max(len(images), num_instances) // num_instances
            for images in self.images.values())
        self.batches_per_epoch = self.num_chunks // (num_ids *
                                                     self.world_size)

    @property
    def batch_size(self) -> int:
        """Images per batch (P x K)."""
        return self.num_ids * self.num_instances

    def _chunks(self, label: int,
                generator: torch.Generator) -> List[List[int]]:
        """The identity's images for the epoch, in chunks of K."""
        images, k = self.images[label], self.num_instances
        if len(images) < k:
            picked = torch.randint(len(images), (k, ), generator=generator)
        else:
            picked = torch.randperm(len(images), generator=generator)
        picked = [images[i] for i in picked.tolist()]
        return [picked[i:i + k] for i in range(0, len(picked) - k + 1, k)]

    def __iter__(self) -> Iterator[int]:
        generator = torch.Generator()
        generator.manual_seed(self.seed + self.epoch)
        mine = self._rank_share(self.identities, generator)
        # Each process draws its images and picks from a seed of its own.
        seeds = torch.randint(2**62, (self.world_size, ), generator=generator)
        generator.manual_seed(int(seeds[self.rank]))
        chunks = {label: self._chunks(label, generator) for label in mine}
        available = list(mine)
        indices: List[int] = []
        for _ in range(self.batches_per_epoch):
            if len(available) < self.num_ids:  # re-cut exhausted ids
                for label in mine:
                    if label not in available:
                        chunks[label] = self._chunks(label, generator)
                        available.append(label)
            picks = torch.randperm(len(available), generator=generator)
            for label in [available[i] for i in picks[:self.num_ids]]:
                indices.extend(chunks[label].pop(0))
                if not chunks[label]:
                    available.remove(label)
        return iter(indices)

    def __len__(self) -> int:
        return self.batches_per_epoch * self.batch_size
