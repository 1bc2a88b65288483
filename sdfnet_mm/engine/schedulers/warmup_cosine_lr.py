"""Per-epoch linear warm-up and cosine decay to absolute learning rates."""
import math

from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler

from sdfnet_mm.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class WarmupCosineLR(LRSchedulerMixin, _ParamScheduler):
    """timm's ``CosineLRScheduler`` as the SDF-Net / TransOSS authors call
    it (one cycle, ``t_in_epochs``, ``warmup_prefix=False``, no noise):
    a value per epoch, set at the epoch's start.

    Epoch ``t = 1, 2, ...`` (the authors call ``scheduler.step(t)`` at the
    start of epoch ``t``, from 1; MMEngine's ``last_step`` is ``t - 1``) of
    a param group with base lr ``b`` (its ``initial_lr``) trains at::

        t < warmup_epochs:  w + t (b - w) / warmup_epochs
        otherwise:          m + (b - m) (1 + cos(pi t / T)) / 2

    with ``w = warmup_lr`` and ``m = min_lr`` absolute, the same for every
    group (a group at 2x lr warms up from the same ``w`` and decays to the
    same ``m``), and ``T = end - begin`` epochs. The authors' recipe: lr
    5e-4, ``w = 0.01 * 5e-4``, ``m = 0.002 * 5e-4``, 5 warm-up epochs,
    T = 100, so epoch 1 trains at 0.208 b and epoch 5 at 0.994 b.

    MMEngine's ``ParamSchedulerHook`` steps it after every epoch; the value
    depends on ``last_step`` only, so a resumed run (optimizer and scheduler
    state restored) continues the schedule exactly.

    Args:
        optimizer (Optimizer or OptimWrapper): The wrapped optimizer.
        warmup_lr (float): ``w``, the absolute lr the warm-up starts from.
        min_lr (float): ``m``, the absolute lr at the end of the cosine.
        warmup_epochs (int): Warm-up length in epochs (timm's ``warmup_t``).
        begin (int): First epoch (0-based) the scheduler sets. Defaults to 0.
        end (int): End epoch (exclusive); ``T = end - begin`` (timm's
            ``t_initial``). Required.
        last_step (int): See MMEngine's ``_ParamScheduler``.
        by_epoch (bool): Must be True (the schedule is per epoch).
        verbose (bool): Print each update.
    """

    def __init__(self,
                 optimizer,
                 warmup_lr: float,
                 min_lr: float,
                 warmup_epochs: int,
                 begin: int = 0,
                 end: int = INF,
                 last_step: int = -1,
                 by_epoch: bool = True,
                 verbose: bool = False) -> None:
        if not by_epoch:
            raise ValueError('WarmupCosineLR: the schedule is per epoch '
                             '(timm t_in_epochs); by_epoch must be True')
        if end == INF:
            raise ValueError('WarmupCosineLR: set end, the number of '
                             'epochs of the cosine (timm t_initial)')
        if not 0 <= warmup_epochs < end - begin or warmup_lr < 0 \
                or min_lr < 0:
            raise ValueError(
                'WarmupCosineLR: expected 0 <= warmup_epochs < end - begin '
                'and non-negative warmup_lr, min_lr; got warmup_epochs='
                f'{warmup_epochs}, begin={begin}, end={end}, warmup_lr='
                f'{warmup_lr}, min_lr={min_lr}')
        self.warmup_lr = warmup_lr
        self.min_lr = min_lr
        self.warmup_epochs = warmup_epochs
        super().__init__(
            optimizer,
            begin=begin,
            end=end,
            last_step=last_step,
            by_epoch=by_epoch,
            verbose=verbose)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        """The lr of a group with base lr ``base_lr`` in epoch ``epoch``
        (1-based, the authors' ``t``)."""
        if epoch < self.warmup_epochs:
            return self.warmup_lr + epoch * (
                base_lr - self.warmup_lr) / self.warmup_epochs
        cosine = 1 + math.cos(math.pi * epoch / (self.end - self.begin))
        return self.min_lr + (base_lr - self.min_lr) * cosine / 2

    def _get_value(self) -> list:
        epoch = self.last_step + 1
        return [self.lr_at(base, epoch) for base in self.base_values]
