"""Read the per-query result file of ``tools/test.py --out``.

Format::

    {"metric": "cosine",
     "settings": {"all": [ENTRY, ...], "o2s": [...], "s2o": [...]}}

    ENTRY = {"query": PATH, "query_id": INT, "query_modality": 0 | 1,
             "evaluated": BOOL, "ap": FLOAT in [0, 1] | null,
             "first_match_rank": INT >= 1 | null, "num_matches": INT,
             "topk": [{"path": PATH, "id": INT, "modality": 0 | 1,
                       "distance": FLOAT}, ...]}

``ap`` and ``first_match_rank`` are null for queries not evaluated (no true
match in their gallery).
"""
import json
from typing import Dict, List

ENTRY_KEYS = ('query', 'query_id', 'query_modality', 'evaluated', 'ap',
              'first_match_rank', 'num_matches', 'topk')
TOPK_KEYS = ('path', 'id', 'modality', 'distance')


def _check_entry(entry, where: str) -> None:
    if not isinstance(entry, dict):
        raise ValueError(f'{where}: expected an object, got '
                         f'{type(entry).__name__}')
    missing = [key for key in ENTRY_KEYS if key not in entry]
    if missing:
        raise ValueError(f'{where}: keys {missing} missing; expected '
                         f'{list(ENTRY_KEYS)}')
    if entry['evaluated'] and (entry['ap'] is None
                               or entry['first_match_rank'] is None):
        raise ValueError(f'{where}: an evaluated query needs "ap" and '
                         '"first_match_rank"')
    for rank, item in enumerate(entry['topk'], start=1):
        missing = [key for key in TOPK_KEYS if key not in item]
        if missing:
            raise ValueError(f'{where}, topk #{rank}: keys {missing} '
                             f'missing; expected {list(TOPK_KEYS)}')


def load_per_query_results(path: str) -> Dict[str, List[dict]]:
    """The entries of each setting (``'all'``, ``'o2s'``, ``'s2o'``...).

    Raises:
        ValueError: naming ``path`` (and the entry) when the file is not in
            the format of the module docstring.
    """
    try:
        with open(path) as file:
            results = json.load(file)
    except json.JSONDecodeError as err:
        raise ValueError(f'{path}: not JSON ({err}); expected the per-query '
                         'results of tools/test.py --out') from err
    if not isinstance(results, dict) or not isinstance(
            results.get('settings'), dict):
        raise ValueError(f'{path}: no "settings" object; expected the '
                         'per-query results of tools/test.py --out')
    for setting, entries in results['settings'].items():
        if not isinstance(entries, list):
            raise ValueError(f'{path}: settings.{setting} is not a list')
        for index, entry in enumerate(entries):
            _check_entry(entry, f'{path}: settings.{setting}[{index}]')
    return results['settings']
