"""Let ``torch.load(weights_only=True)`` read the checkpoints MMEngine writes.

Since torch 2.6 ``torch.load`` defaults to ``weights_only=True``; MMEngine
0.10's resume then fails on the objects it stores in ``meta`` (the message
hub's ``HistoryBuffer`` and numpy scalars/dtypes). Instead of turning the safe
loader off, the few classes MMEngine itself writes are allow-listed.
"""
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


def register_checkpoint_safe_globals() -> None:
    """Allow-list MMEngine's checkpoint ``meta`` objects for ``torch.load``."""
    if not hasattr(torch.serialization, 'add_safe_globals'):
        return  # torch < 2.4 loads everything anyway
    torch.serialization.add_safe_globals(
        [HistoryBuffer, *_numpy_safe_globals()])
