"""Launch settings shared by tools/train.py and tools/test.py.

MMEngine assumes a GPU for distributed runs (``init_dist`` calls
``torch.cuda.set_device``; its DDP wrapper passes ``device_ids``) and for
AMP (``AmpOptimWrapper``). Here, without CUDA, processes started by torchrun
join a ``gloo`` group and the model is wrapped with ``device_ids=None``;
``--amp`` becomes bfloat16 autocast. With CUDA, MMEngine's own path is kept.
"""
import os

import torch
import torch.distributed as dist
from mmengine.config import Config

from sdfnet_mm.engine.optimizers import CPUAutocastOptimWrapper


def setup_launcher(cfg: Config, launcher: str) -> None:
    """Set ``cfg.launcher``; on CPU, start the gloo group for torchrun."""
    cfg.launcher = launcher
    if launcher == 'none' or torch.cuda.is_available():
        return
    if launcher != 'pytorch':
        raise ValueError(f'--launcher {launcher} needs CUDA; on CPU use '
                         "'pytorch' (torchrun) or 'none'")
    missing = [k for k in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT')
               if k not in os.environ]
    if missing:
        raise RuntimeError(f'--launcher pytorch without {missing} in the '
                           'environment; start with torchrun '
                           '(tools/dist_train.sh / tools/dist_test.sh)')
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    cfg.model_wrapper_cfg = dict(
        type='MMDistributedDataParallel', device_ids=None,
        broadcast_buffers=False)


def setup_amp(cfg: Config) -> None:
    """Mixed precision: float16 AMP on GPU, bfloat16 autocast on CPU."""
    wrapper = cfg.optim_wrapper
    if torch.cuda.is_available():
        wrapper.type = 'AmpOptimWrapper'
        wrapper.setdefault('loss_scale', 'dynamic')
    else:
        wrapper.type = CPUAutocastOptimWrapper
        wrapper.dtype = 'bfloat16'
