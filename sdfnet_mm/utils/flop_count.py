"""FLOPs of a model step by ``torch.utils.flop_counter``, with the CPU's
fused attention counted.

``FlopCounterMode`` counts matrix products and convolutions (2 FLOPs per
multiply-add), and the fused attention kernels of CUDA, but not the CPU
kernel that ``F.scaled_dot_product_attention`` (MMPretrain's attention)
runs on a CPU. :data:`CPU_ATTENTION_FLOPS` adds it: forward the two
products ``QK^T`` and ``AV`` (``4 B N^2 C`` per block, torch's own
attention formula), backward twice that (the four products of the
gradients, without the kernel's recomputation of ``QK^T``). Softmax,
normalisation and element-wise operations are not counted.
"""
from collections import defaultdict
from typing import Any, Callable, Dict

import torch
from torch.utils.flop_counter import FlopCounterMode, sdpa_flop_count

aten = torch.ops.aten


def cpu_attention_flops(query_shape, key_shape, value_shape, *args,
                        out_shape=None, **kwargs) -> int:
    """FLOPs of the forward CPU attention kernel."""
    return sdpa_flop_count(query_shape, key_shape, value_shape)


def cpu_attention_backward_flops(grad_out_shape, query_shape, key_shape,
                                 value_shape, *args, out_shape=None,
                                 **kwargs) -> int:
    """FLOPs of its backward: the gradient products, twice the forward."""
    return 2 * sdpa_flop_count(query_shape, key_shape, value_shape)


#: ``custom_mapping`` of :class:`FlopCounterMode` for the CPU attention.
CPU_ATTENTION_FLOPS = {
    aten._scaled_dot_product_flash_attention_for_cpu: cpu_attention_flops,
    aten._scaled_dot_product_flash_attention_for_cpu_backward:
    cpu_attention_backward_flops,
}


def count_flops(step: Callable[[], Any]) -> Dict[str, int]:
    """FLOPs of ``step()`` (a forward, or forward and backward), total and
    per module.

    Returns:
        dict: ``'Global'`` the total, and for every module that ran, its
        dotted name (the root module's class name first, e.g.
        ``'SDFNet.backbone.layers.0'``) and its FLOPs, sub-modules
        included.
    """
    with FlopCounterMode(display=False,
                         custom_mapping=CPU_ATTENTION_FLOPS) as counter:
        step()
    counts = defaultdict(int)
    for module, per_op in counter.get_flop_counts().items():
        counts[module] += sum(per_op.values())
    return dict(counts)
