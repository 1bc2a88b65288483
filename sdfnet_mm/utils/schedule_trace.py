"""Every param group's lr, weight decay and momentum over a config's whole
schedule, through MMEngine, without data or training."""
import copy
import tempfile
import warnings
from dataclasses import dataclass
from typing import List

import numpy as np
from mmengine.config import Config
from mmengine.hooks import ParamSchedulerHook
from mmengine.runner import Runner
from torch.utils.data import DataLoader

from .launch import setup_precision


@dataclass
class ScheduleTrace:
    """Values each param group's optimizer step uses at every iteration.

    Attributes:
        names (list[list[str]]): Parameter names of each group.
        left_out (list[str]): Model parameters in no group (frozen ones).
        lr, weight_decay, momentum (np.ndarray): (iterations, groups)
            float64; momentum is SGD's ``momentum`` or Adam's ``beta1``.
        initial_lr (list[float]): Each group's lr before scheduling.
        iters_per_epoch (int): Iterations of an epoch.
        base_lr (float): The optimizer's default lr.
    """
    names: List[List[str]]
    left_out: List[str]
    initial_lr: List[float]
    lr: np.ndarray
    weight_decay: np.ndarray
    momentum: np.ndarray
    iters_per_epoch: int
    base_lr: float


def trace_schedule(cfg: Config, iters_per_epoch: int) -> ScheduleTrace:
    """Build ``cfg``'s model (weights left uninitialised: no checkpoint is
    read), optimizer wrapper and parameter schedulers with MMEngine's
    ``Runner`` as ``Runner.train`` does, then step the schedulers as
    ``ParamSchedulerHook`` does over ``train_cfg.max_epochs`` epochs of
    ``iters_per_epoch`` iterations, reading every param group before each
    iteration's optimizer step.

    The wrapper is built as for a float32 CPU run (precision does not change
    the schedule; an ``AmpOptimWrapper`` cannot be built without CUDA). As
    any ``Runner``, it seeds the global random generators.
    """
    cfg = copy.deepcopy(cfg)
    setup_precision(cfg, 'fp32', cuda=False, log=False)
    with tempfile.TemporaryDirectory() as work_dir:
        runner = Runner(
            model=cfg.model,
            work_dir=work_dir,
            train_dataloader=DataLoader(range(iters_per_epoch)),
            train_cfg=cfg.train_cfg,
            optim_wrapper=cfg.optim_wrapper,
            param_scheduler=cfg.get('param_scheduler'),
            default_scope=cfg.get('default_scope', 'sdfnet_mm'),
            default_hooks=dict(),
            log_level='WARNING')
        loop = runner.train_loop  # the schedulers' default `end` needs it
        runner.optim_wrapper = runner.build_optim_wrapper(
            runner.optim_wrapper)
        runner.scale_lr(runner.optim_wrapper, runner.auto_scale_lr)
        # The optimizer's groups (the wrapper's param_groups add MMEngine's
        # base-lr record).
        groups = runner.optim_wrapper.optimizer.param_groups
        initial_lr = [group['lr'] for group in groups]
        if runner.param_schedulers is not None:
            runner.param_schedulers = runner.build_param_scheduler(
                runner.param_schedulers)
        optim_wrapper = runner.optim_wrapper
        unused = {id(p): n for n, p in runner.model.named_parameters()}
        names = [[unused.pop(id(p)) for p in group['params']]
                 for group in groups]
        hook = ParamSchedulerHook()
        lr, weight_decay, momentum = [], [], []
        with warnings.catch_warnings():
            # No optimizer step is taken; MMEngine warns about the order.
            warnings.filterwarnings('ignore', 'Detected call of')
            for _ in range(loop.max_epochs):
                for index in range(iters_per_epoch):
                    lr.append(optim_wrapper.get_lr()['lr'])
                    momentum.append(optim_wrapper.get_momentum()['momentum'])
                    weight_decay.append(
                        [group.get('weight_decay', 0.0) for group in groups])
                    hook.after_train_iter(runner, index)
                hook.after_train_epoch(runner)
        base_lr = cfg.optim_wrapper.optimizer.lr
    return ScheduleTrace(names, sorted(unused.values()), initial_lr,
                         np.array(lr, np.float64),
                         np.array(weight_decay, np.float64),
                         np.array(momentum, np.float64), iters_per_epoch,
                         base_lr)
