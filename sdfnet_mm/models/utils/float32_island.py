"""Float32 islands: regions that compute in float32 under any autocast.

CPU autocast casts only linear, matmul, convolution and attention to
bfloat16; softmax, normalisation, instance norm and reductions then run in
the dtype of their inputs, i.e. in bfloat16 once a linear has produced
them. Inside an island autocast is off and the inputs are upcast at its
boundary, so everything there computes in float32 (float64 stays float64).
"""
from typing import Optional

import torch

#: Dtypes an island upcasts to float32.
LOW_PRECISION = (torch.bfloat16, torch.float16)


def float32_island(reference: torch.Tensor) -> torch.autocast:
    """Autocast off on the device of ``reference``."""
    return torch.autocast(device_type=reference.device.type, enabled=False)


def upcast(tensor: Optional[torch.Tensor]) -> Optional[torch.Tensor]:
    """A bfloat16 / float16 tensor as float32; others (and None) as
    they are."""
    if tensor is not None and tensor.dtype in LOW_PRECISION:
        return tensor.float()
    return tensor
