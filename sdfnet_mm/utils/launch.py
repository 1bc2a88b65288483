"""Launch settings shared by tools/train.py and tools/test.py.

MMEngine assumes a GPU for distributed runs (``init_dist`` calls
``torch.cuda.set_device``; its DDP wrapper passes ``device_ids``) and for
AMP (``AmpOptimWrapper``). Here, without CUDA, processes started by torchrun
join a ``gloo`` group and the model is wrapped with ``device_ids=None``;
a config's ``AmpOptimWrapper`` trains in float32 and ``--amp`` becomes
bfloat16 autocast. With CUDA, MMEngine's own path is kept.
"""
import argparse
import os
import os.path as osp
from typing import Optional

import torch
import torch.distributed as dist
from mmengine.config import Config, DictAction
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from sdfnet_mm.engine.optimizers import CPUAutocastOptimWrapper
from .config_options import check_config_options


def add_runner_arguments(parser: argparse.ArgumentParser) -> None:
    """The OpenMMLab arguments shared by the tools: ``--work-dir``,
    ``--cfg-options``, ``--launcher`` and ``--local-rank``."""
    parser.add_argument('--work-dir', help='where to save logs and models')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, e.g. '
        'train_dataloader.dataset.data_root=DIR')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def apply_runner_arguments(cfg: Config, args: argparse.Namespace,
                           config_path: str) -> None:
    """Merge ``--cfg-options`` (refusing keys the config cannot use, see
    :func:`check_config_options`), set up the launcher and the work dir
    (``work_dirs/<config name>`` unless given)."""
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    if args.cfg_options:
        check_config_options(cfg, args.cfg_options, config_path)
        cfg.merge_from_dict(args.cfg_options)
    setup_launcher(cfg, args.launcher)
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', osp.splitext(osp.basename(config_path))[0])


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


#: Arguments of ``AmpOptimWrapper`` that a plain ``OptimWrapper`` refuses.
AMP_ONLY_ARGUMENTS = ('loss_scale', 'dtype', 'use_fsdp')


def setup_precision(cfg: Config, amp: bool = False,
                    cuda: Optional[bool] = None) -> None:
    """Choose ``cfg.optim_wrapper`` for the device (``cuda``: whether CUDA
    is available; found out when None).

    - A config that asks for MMEngine's ``AmpOptimWrapper`` (the authors'
      config: float16 autocast and a dynamic grad scaler, as they trained)
      keeps it on a GPU; without CUDA, where it cannot run, it becomes a
      float32 ``OptimWrapper``.
    - ``amp`` (``--amp``): float16 ``AmpOptimWrapper`` on a GPU, bfloat16
      ``CPUAutocastOptimWrapper`` on the CPU.
    """
    cuda = torch.cuda.is_available() if cuda is None else cuda
    wrapper = cfg.optim_wrapper
    # Types by registry name: a class put into a loaded config breaks the
    # config dump of the work dir.
    if wrapper.get('type') in (AmpOptimWrapper, 'AmpOptimWrapper') \
            and not cuda:
        wrapper.type = OptimWrapper.__name__
        for key in AMP_ONLY_ARGUMENTS:
            wrapper.pop(key, None)
    if not amp:
        return
    if cuda:
        wrapper.type = AmpOptimWrapper.__name__
        wrapper.setdefault('loss_scale', 'dynamic')
    else:
        wrapper.type = CPUAutocastOptimWrapper.__name__
        wrapper.dtype = 'bfloat16'
