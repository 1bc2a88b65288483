"""Per-query results of an evaluation (``tools/test.py --out``): typed
entries, written and read back by this module only.

File format (JSON)::

    {"metric": "cosine",
     "settings": {"all": [ENTRY, ...], "o2s": [...], "s2o": [...]}}

    ENTRY = {"query": PATH, "query_id": INT, "query_modality": 0 | 1,
             "evaluated": BOOL, "ap": FLOAT in [0, 1] | null,
             "first_match_rank": INT >= 1 | null, "num_matches": INT,
             "topk": [{"path": PATH, "id": INT, "modality": 0 | 1,
                       "distance": FLOAT}, ...]}

``ap`` and ``first_match_rank`` are null for queries that were not
evaluated (no true match in their gallery).
"""
import json
import os
import os.path as osp
import tempfile
from dataclasses import asdict, dataclass, fields
from typing import Dict, List, Optional, Tuple


@dataclass(frozen=True)
class RankedItem:
    """One gallery item of a query's ranked list (nearest first)."""
    path: str
    id: int
    modality: int
    distance: float


@dataclass(frozen=True)
class PerQueryResult:
    """One query: its AP, first-match rank and top-k gallery items."""
    query: str
    query_id: int
    query_modality: int
    evaluated: bool
    ap: Optional[float]
    first_match_rank: Optional[int]
    num_matches: int
    topk: Tuple[RankedItem, ...]


@dataclass(frozen=True)
class PerQueryResults:
    """The entries of every setting (``'all'``, ``'o2s'``, ``'s2o'``) and
    the distance they were ranked by."""
    metric: str
    settings: Dict[str, List[PerQueryResult]]

    def dump(self, path: str) -> None:
        """Write the JSON file atomically (a temporary file in the same
        folder replaces ``path``), creating the folder."""
        folder = osp.dirname(osp.abspath(path))
        os.makedirs(folder, exist_ok=True)
        data = dict(metric=self.metric, settings={
            name: [asdict(entry) for entry in entries]
            for name, entries in self.settings.items()})
        handle, temporary = tempfile.mkstemp(dir=folder, suffix='.tmp')
        try:
            with os.fdopen(handle, 'w') as file:
                json.dump(data, file)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise

    @classmethod
    def load(cls, path: str) -> 'PerQueryResults':
        """Read a file written by :meth:`dump`.

        Raises:
            ValueError: naming ``path`` (and the entry) when the file is not
                in the format of the module docstring.
        """
        try:
            with open(path) as file:
                data = json.load(file)
        except json.JSONDecodeError as err:
            raise ValueError(f'{path}: not JSON ({err}); expected the '
                             'per-query results of tools/test.py --out') \
                from err
        if not isinstance(data, dict) or not isinstance(
                data.get('settings'), dict):
            raise ValueError(f'{path}: no "settings" object; expected the '
                             'per-query results of tools/test.py --out')
        settings = {}
        for name, entries in data['settings'].items():
            if not isinstance(entries, list):
                raise ValueError(f'{path}: settings.{name} is not a list')
            settings[name] = [
                _entry(entry, f'{path}: settings.{name}[{index}]')
                for index, entry in enumerate(entries)
            ]
        return cls(str(data.get('metric')), settings)


def _keys(cls) -> List[str]:
    return [field.name for field in fields(cls)]


def _checked(item, cls, where: str) -> dict:
    """``item`` as a dict with exactly the fields of ``cls``."""
    if not isinstance(item, dict):
        raise ValueError(f'{where}: expected an object, got '
                         f'{type(item).__name__}')
    missing = [key for key in _keys(cls) if key not in item]
    if missing:
        raise ValueError(f'{where}: keys {missing} missing; expected '
                         f'{_keys(cls)}')
    return {key: item[key] for key in _keys(cls)}


def _entry(item, where: str) -> PerQueryResult:
    values = _checked(item, PerQueryResult, where)
    if values['evaluated'] and (values['ap'] is None
                                or values['first_match_rank'] is None):
        raise ValueError(f'{where}: an evaluated query needs "ap" and '
                         '"first_match_rank"')
    values['topk'] = tuple(
        RankedItem(**_checked(ranked, RankedItem, f'{where}, topk #{rank}'))
        for rank, ranked in enumerate(values['topk'], start=1))
    return PerQueryResult(**values)
