"""A validation split carved deterministically from the training identities.

Model selection on the test split makes test numbers optimistic; instead,
``HOSSDataset(split='train', val_ids=...)`` leaves some training identities
out and ``HOSSDataset(split='val', val_ids=...)`` returns their chips as a
query/gallery split (README, "Protocol").

Which identities: those with both optical and SAR chips are the candidates
(an identity with one modality cannot give a cross-modal query with a true
match, so it always stays in training); each candidate ``p`` gets the key
``sha256(f'{seed}:{p}')`` and the ``n`` smallest keys are held out. The
choice depends only on the seed and the identity numbers (not on the NumPy
version or the folder order), and for one seed the held-out set of ``n``
identities contains that of any smaller ``n``.

Queries, per held-out identity (its chips sorted by file name):

- at least two optical and two SAR chips: the first optical and the first
  SAR chip are queries;
- otherwise one query, as in HOSS's own test split: the first chip of one
  modality, alternating over these identities in identity order (optical
  for the 1st, 3rd, ... such identity, SAR for the 2nd, 4th, ...).

All other chips are the gallery. Every query thus has a true match of the
other modality in the gallery (O->S and S->O), and the All setting ranks
every query against the whole gallery.
"""
import hashlib
from dataclasses import dataclass, fields
from typing import Dict, List, Optional, Sequence, Union

from sdfnet_mm.structures import OPTICAL, SAR


@dataclass(frozen=True)
class ValidationIds:
    """How many training identities to hold out for validation, and the
    seed of the choice.

    Args:
        num (int, optional): Number of identities. Give ``num`` or
            ``fraction``.
        fraction (float, optional): Share of the training identities, in
            (0, 1), rounded to the nearest whole number (at least 1).
        seed (int): Seed of the choice (>= 0). Defaults to 0.

    Raises:
        ValueError: naming the argument when both or neither of ``num`` and
            ``fraction`` are given or a value is out of range.
    """
    num: Optional[int] = None
    fraction: Optional[float] = None
    seed: int = 0

    def __post_init__(self) -> None:
        if (self.num is None) == (self.fraction is None):
            raise ValueError(
                f'val_ids: num={self.num}, fraction={self.fraction}; '
                'expected exactly one of them')
        if self.num is not None and (not isinstance(self.num, int)
                                     or isinstance(self.num, bool)
                                     or self.num < 1):
            raise ValueError(f'val_ids: num={self.num!r}; expected an '
                             'integer >= 1')
        if self.fraction is not None and not 0 < self.fraction < 1:
            raise ValueError(f'val_ids: fraction={self.fraction!r}; '
                             'expected in (0, 1)')
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f'val_ids: seed={self.seed!r}; expected an '
                             'integer >= 0')

    @classmethod
    def build(cls, value: Union[None, dict, 'ValidationIds']
              ) -> Optional['ValidationIds']:
        """``None``, a ``ValidationIds`` or a dict of its arguments (as
        configs give it) -> ``ValidationIds`` or None.

        Raises:
            ValueError: naming unknown keys.
        """
        if value is None or isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            raise ValueError(f'val_ids: got {type(value).__name__}; '
                             'expected a dict such as dict(num=40, seed=0)')
        known = [field.name for field in fields(cls)]
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise ValueError(f'val_ids: unknown keys {unknown}; expected '
                             f'some of {known}')
        return cls(**value)

    def count(self, num_train_ids: int) -> int:
        """The number of identities to hold out from ``num_train_ids``."""
        if self.num is not None:
            return self.num
        return max(1, round(self.fraction * num_train_ids))

    def select(self, modalities_of: Dict[int, set]) -> List[int]:
        """The held-out identities, sorted.

        Args:
            modalities_of (dict): every training identity -> the set of its
                chips' modalities.

        Raises:
            ValueError: when more identities are asked for than have both
                modalities, or when none would be left for training.
        """
        total = len(modalities_of)
        wanted = self.count(total)
        candidates = [pid for pid, found in modalities_of.items()
                      if found >= {OPTICAL, SAR}]
        if wanted > len(candidates):
            raise ValueError(
                f'val_ids: {wanted} validation identities requested ({self}) '
                f'but only {len(candidates)} of the {total} training '
                'identities have both optical and SAR chips; expected at '
                f'most {len(candidates)}')
        if wanted >= total:
            raise ValueError(
                f'val_ids: holding out {wanted} of the {total} training '
                'identities leaves none for training')

        def key(pid: int) -> bytes:
            return hashlib.sha256(f'{self.seed}:{pid}'.encode()).digest()

        return sorted(sorted(candidates, key=key)[:wanted])


def mark_validation_queries(data_list: Sequence[dict]) -> None:
    """Set ``is_query`` of the held-out identities' data infos by the rule
    of the module docstring (in place).

    Args:
        data_list (Sequence[dict]): infos with ``img_path``, ``identity``
            and ``modality``; every identity has both modalities.
    """
    by_identity: Dict[int, Dict[int, List[dict]]] = {}
    for info in sorted(data_list, key=lambda info: info['img_path']):
        info['is_query'] = False
        chips = by_identity.setdefault(info['identity'], {OPTICAL: [],
                                                          SAR: []})
        chips[info['modality']].append(info)
    single_query = 0
    for pid in sorted(by_identity):
        chips = by_identity[pid]
        if min(len(chips[OPTICAL]), len(chips[SAR])) >= 2:
            chips[OPTICAL][0]['is_query'] = chips[SAR][0]['is_query'] = True
        else:
            modality = OPTICAL if single_query % 2 == 0 else SAR
            chips[modality][0]['is_query'] = True
            single_query += 1
