"""Mixed precision on the CPU: bfloat16 autocast around the forward."""
from contextlib import contextmanager

import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper

from sdfnet_mm.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class CPUAutocastOptimWrapper(OptimWrapper):
    """:class:`OptimWrapper` that runs the forward under
    ``torch.autocast('cpu', dtype)``.

    MMEngine's ``AmpOptimWrapper`` needs a GPU; on the CPU bfloat16 keeps
    float32's exponent range, so no loss scaling is needed.

    Args:
        dtype (str): ``'bfloat16'`` (default) or ``'float16'``.
        **kwargs: ``OptimWrapper`` arguments.
    """

    def __init__(self, dtype: str = 'bfloat16', **kwargs) -> None:
        super().__init__(**kwargs)
        self.cast_dtype = getattr(torch, dtype)

    @contextmanager
    def optim_context(self, model: nn.Module):
        with super().optim_context(model), torch.autocast(
                device_type='cpu', dtype=self.cast_dtype):
            yield
