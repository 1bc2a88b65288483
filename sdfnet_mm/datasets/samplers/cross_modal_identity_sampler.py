"""P x K identity sampling with both modalities in every identity group."""
import math
from typing import Iterator, List, Optional, Sequence

import torch

from sdfnet_mm.registry import DATA_SAMPLERS
from .identity_sampler import IdentitySampler


@DATA_SAMPLERS.register_module()
class CrossModalIdentitySampler(IdentitySampler):
    """Batches of ``num_ids`` identities x (K/2 optical + K/2 SAR) images.

    The paper's strict cross-modal P x K sampling: ``num_ids=8,
    num_per_modality=2`` gives 32 = 8 x (2 + 2) images per batch. Set the
    dataloader's ``batch_size`` to ``num_ids * 2 * num_per_modality``.

    Within an identity, images of a modality are drawn without replacement
    when it has at least ``num_per_modality`` of them, otherwise all of them
    are used and the rest is drawn **with replacement**. An identity with
    *no* image of one modality is handled by ``incomplete_ids``:
    ``'fill'`` (default) draws its whole group from the modality it has;
    ``'drop'`` leaves it out of sampling.

    An epoch visits every usable identity once. Under torch.distributed the
    identities are shuffled with the shared seed and dealt to the ranks, so
    every rank gets whole identities, disjoint across ranks; the
    ``n_ids % world_size`` left over change from epoch to epoch. Identities
    with both modalities are spread over the batches first, so every batch
    holds both modalities whenever a rank has at least as many such
    identities as batches; short batches are completed with identities of
    the rank's share not yet in them. The length is therefore constant:
    ``ceil((n_ids // world_size) / num_ids) * num_ids * 2 * num_per_modality``.

    Args:
        dataset: A dataset whose data infos hold ``gt_label`` and
            ``modality`` (0 optical, 1 SAR).
        num_ids (int): Identities per batch (P).
        num_per_modality (int): Images per modality and identity (K/2).
        incomplete_ids (str): ``'fill'`` or ``'drop'`` (see above).
        seed (int, optional): Shared random seed; synchronised across ranks
            when None.
    """

    def __init__(self,
                 dataset,
                 num_ids: int = 8,
                 num_per_modality: int = 2,
                 incomplete_ids: str = 'fill',
                 seed: Optional[int] = None) -> None:
        if num_ids < 1 or num_per_modality < 1:
            raise ValueError('CrossModalIdentitySampler: num_ids and '
                             'num_per_modality must be >= 1, got '
                             f'{num_ids} and {num_per_modality}')
        if incomplete_ids not in ('fill', 'drop'):
            raise ValueError("CrossModalIdentitySampler: incomplete_ids "
                             f"must be 'fill' or 'drop', got {incomplete_ids!r}")
        self.num_ids = num_ids
        self.num_per_modality = num_per_modality
        self.incomplete_ids = incomplete_ids
        super().__init__(dataset, seed)
        if incomplete_ids == 'drop':
            self.groups = {k: v for k, v in self.groups.items()
                           if v[0] and v[1]}
        if not self.groups:
            raise ValueError('CrossModalIdentitySampler: no identity to '
                             'sample (with incomplete_ids=drop, none has '
                             'both modalities)')
        self.identities: List[int] = sorted(self.groups)
        self.ids_per_rank = self._check_share(self.identities, num_ids)
        self.batches_per_epoch = math.ceil(self.ids_per_rank / num_ids)

    @property
    def batch_size(self) -> int:
        """Images per batch (P x K)."""
        return self.num_ids * 2 * self.num_per_modality

    def _draw(self, indices: Sequence[int], count: int,
              generator: torch.Generator) -> List[int]:
        """``count`` of ``indices``: without replacement while possible."""
        order = torch.randperm(len(indices), generator=generator).tolist()
        extra = torch.randint(len(indices), (max(count - len(indices), 0), ),
                              generator=generator).tolist()
        return [indices[i] for i in (order + extra)[:count]]

    def _identity_group(self, label: int,
                        generator: torch.Generator) -> List[int]:
        optical, sar = self.groups[label]
        k = self.num_per_modality
        if not optical or not sar:  # 'fill': the whole group from one side
            return self._draw(optical or sar, 2 * k, generator)
        return self._draw(optical, k, generator) + self._draw(sar, k, generator)

    def _arrange(self, mine: List[int]) -> List[List[int]]:
        """Deal a rank's identities into batches of ``num_ids``.

        Identities with both modalities are dealt first, round-robin, so
        each batch gets one whenever there are enough; short batches are
        then completed with identities they do not hold yet.
        """
        complete = [k for k in mine if all(self.groups[k])]
        ordered = complete + [k for k in mine if not all(self.groups[k])]
        count = self.batches_per_epoch
        arranged = [ordered[b::count] for b in range(count)]
        for batch in arranged:
            for label in mine:
                if len(batch) == self.num_ids:
                    break
                if label not in batch:
                    batch.append(label)
        return arranged

    def __iter__(self) -> Iterator[int]:
        generator = torch.Generator()
        generator.manual_seed(self.seed + self.epoch)
        mine = self._rank_share(self.identities, generator)
        indices: List[int] = []
        for batch in self._arrange(mine):
            for label in batch:
                indices.extend(self._identity_group(label, generator))
        return iter(indices)

    def __len__(self) -> int:
        return self.batches_per_epoch * self.batch_size
