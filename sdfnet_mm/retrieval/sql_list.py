"""Many values as one SQLite parameter."""
import json
from typing import Iterable, Union

import numpy as np


def sql_list(values: Union[Iterable[str], np.ndarray]) -> str:
    """Strings, or an integer array, as a JSON array: one parameter for
    ``x IN (SELECT value FROM json_each(?))`` whatever their number (SQLite
    limits the ``?`` of one statement)."""
    if isinstance(values, np.ndarray):
        return json.dumps(values.tolist())
    return json.dumps(list(values))
