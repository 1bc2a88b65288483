"""Launch settings shared by tools/train.py and tools/test.py.

MMEngine assumes a GPU for distributed runs (``init_dist`` calls
``torch.cuda.set_device``; its DDP wrapper passes ``device_ids``) and for
AMP (``AmpOptimWrapper``). Here, without CUDA, processes started by torchrun
join a ``gloo`` group and the model is wrapped with ``device_ids=None``.
The precision (a config's ``precision``, ``--precision``, ``--amp``) is
chosen by :func:`setup_precision` from the request and the hardware. With
CUDA, MMEngine's own distributed path is kept.
"""
import argparse
import os
import os.path as osp
from typing import Any, Mapping, Optional

import torch
import torch.distributed as dist
from mmengine.config import Config, DictAction
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from sdfnet_mm.engine.optimizers import CPUAutocastOptimWrapper
from sdfnet_mm.engine.precision import (DTYPE_NAMES, PRECISIONS, Precision,
                                        check_precision, config_amp,
                                        resolve_precision)
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


def add_precision_arguments(parser: argparse.ArgumentParser,
                            amp: bool = False) -> None:
    """``--precision`` (and, with ``amp``, ``--amp``, exclusive with it);
    see :func:`setup_precision`."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        '--precision', choices=PRECISIONS,
        help="default: the config's precision (auto: bfloat16 autocast on "
        'a CPU with native bfloat16, float16 AMP on a GPU for configs with '
        'AmpOptimWrapper, else float32); bf16 on a CPU without native '
        'bfloat16 falls back to float32 with a warning')
    if amp:
        group.add_argument(
            '--amp', action='store_true',
            help='mixed precision of the device: --precision fp16 on a GPU, '
            'bf16 on a CPU')


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


#: Arguments of ``AmpOptimWrapper`` / ``CPUAutocastOptimWrapper`` that a
#: plain ``OptimWrapper`` refuses.
AMP_ONLY_ARGUMENTS = ('loss_scale', 'dtype', 'use_fsdp')
#: Optimizer wrappers that autocast (by registry name).
AUTOCAST_WRAPPERS = (AmpOptimWrapper.__name__,
                     CPUAutocastOptimWrapper.__name__)


def _type_name(wrapper) -> str:
    kind = wrapper.get('type')
    return getattr(kind, '__name__', kind)


def requested_precision(cfg: Config, precision: Optional[str] = None,
                        amp: bool = False, cuda: bool = False) -> str:
    """What the command line and the config ask for: ``--amp`` (the
    device's mixed precision: ``'fp16'`` on a GPU, ``'bf16'`` on a CPU),
    else ``--precision``, else the config's ``precision`` (``'auto'`` when
    it has none)."""
    if amp and precision is not None:
        raise ValueError(f'--amp and --precision {precision}: give one '
                         '(--amp is --precision fp16 on a GPU, bf16 on a '
                         'CPU)')
    if amp:
        return 'fp16' if cuda else 'bf16'
    if precision is not None:
        return check_precision(precision, '--precision')
    return check_precision(cfg.get('precision', 'auto'),
                           "the config's 'precision' key")


def setup_precision(cfg: Config, precision: Optional[str] = None,
                    amp: bool = False, cuda: Optional[bool] = None,
                    capabilities: Optional[Mapping[str, Any]] = None,
                    allow_emulated: Optional[bool] = None,
                    log: bool = True) -> Precision:
    """Resolve the precision (:mod:`sdfnet_mm.engine.precision`) of
    ``cfg`` run on this device (``cuda``: whether CUDA is available; found
    out when None) and set the config up for it.

    - Training: ``optim_wrapper`` becomes ``AmpOptimWrapper`` (GPU, float16
      with a dynamic grad scaler, or bfloat16), ``CPUAutocastOptimWrapper``
      (CPU, bfloat16) or, for float32, a plain ``OptimWrapper`` (a config's
      ``AmpOptimWrapper`` included, where CUDA is missing or float32 is
      asked for).
    - Validation and test: ``val_cfg.fp16`` / ``test_cfg.fp16`` turn on
      MMEngine's loop autocast (bfloat16 on a CPU, float16 on a GPU) for
      those precisions; a GPU bfloat16 run validates in float32 (the
      loops would autocast to float16).

    Args:
        precision (str, optional): ``--precision``.
        amp (bool): ``--amp``.
        capabilities: CPU capabilities for the detection (tests); None
            reads this CPU's.
        allow_emulated (bool, optional): Grant ``'bf16'`` on a CPU without
            native bfloat16 (benchmarks); None reads
            ``SDFNET_ALLOW_EMULATED_BF16``.
        log (bool): Log the decision.

    Returns:
        Precision: The decision, with its reason.
    """
    cuda = torch.cuda.is_available() if cuda is None else cuda
    chosen = resolve_precision(
        requested_precision(cfg, precision, amp, cuda),
        'cuda' if cuda else 'cpu', config_amp(cfg), capabilities,
        allow_emulated, log=log)
    wrapper = cfg.optim_wrapper
    # Types by registry name: a class put into a loaded config breaks the
    # config dump of the work dir.
    if chosen.dtype is None:
        if _type_name(wrapper) in AUTOCAST_WRAPPERS:
            wrapper.type = OptimWrapper.__name__
            for key in AMP_ONLY_ARGUMENTS:
                wrapper.pop(key, None)
    elif cuda:
        wrapper.type = AmpOptimWrapper.__name__
        wrapper.dtype = DTYPE_NAMES[chosen.name]
        if chosen.name == 'fp16':
            wrapper.setdefault('loss_scale', 'dynamic')
    else:
        wrapper.type = CPUAutocastOptimWrapper.__name__
        wrapper.dtype = DTYPE_NAMES[chosen.name]
        wrapper.pop('loss_scale', None)
    loop_autocast = chosen.name == ('fp16' if cuda else 'bf16')
    for key in ('val_cfg', 'test_cfg'):
        if isinstance(cfg.get(key), dict):
            cfg[key]['fp16'] = loop_autocast
    return chosen
