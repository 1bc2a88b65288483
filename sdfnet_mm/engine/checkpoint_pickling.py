"""Let ``torch.load(weights_only=True)`` read the checkpoints MMEngine writes.

Since torch 2.6 ``torch.load`` defaults to ``weights_only=True``; MMEngine
0.10's resume then fails on the objects it stores in ``meta``: numpy
scalars/arrays/dtypes and the message hub's ``HistoryBuffer``, which pickles
its statistics methods through ``getattr`` (allow-listing ``getattr`` would
open the safe loader to arbitrary attribute walks). Instead of turning the
safe loader off:

- ``HistoryBuffer`` is pickled as a constructor call with its two arrays
  and ``max_length`` (its default statistics methods are set again by
  ``__init__``; custom ones live on the class and are unaffected);
- the numpy and MMEngine classes that then appear are allow-listed.
"""
import copyreg

import numpy as np
import torch
from mmengine.logging import HistoryBuffer


def _numpy_safe_globals() -> list:
    """Numpy objects that appear in pickled numpy scalars and arrays."""
    try:  # numpy >= 2
        from numpy._core.multiarray import _reconstruct, scalar
    except ImportError:  # numpy 1.x
        from numpy.core.multiarray import _reconstruct, scalar
    dtype_classes = [type(np.dtype(t)) for t in np.sctypeDict.values()]
    return [scalar, _reconstruct, np.ndarray, np.dtype, *dtype_classes]


def _reduce_history_buffer(buffer: HistoryBuffer) -> tuple:
    """Pickle a HistoryBuffer as ``HistoryBuffer(logs, counts, max_len)``."""
    # ``data`` is the (log_history, count_history) pair.
    return HistoryBuffer, (*buffer.data, buffer.max_length)


def register_checkpoint_safe_globals() -> None:
    """Make MMEngine checkpoints loadable with ``weights_only=True``."""
    copyreg.pickle(HistoryBuffer, _reduce_history_buffer)
    if hasattr(torch.serialization, 'add_safe_globals'):  # torch >= 2.4
        torch.serialization.add_safe_globals(
            [HistoryBuffer, *_numpy_safe_globals()])
