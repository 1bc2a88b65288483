"""Reseed the random generators at every epoch start, from (seed, epoch)."""
import random

import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook

from sdfnet_mm.registry import HOOKS


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Make each epoch's randomness a function of the run seed and epoch.

    MMEngine seeds once at start-up, so a run resumed from a checkpoint draws
    different augmentations and dropout masks than the uninterrupted run.
    Reseeding Python, NumPy and torch with ``seed + epoch`` (plus the rank,
    so ranks differ) before every epoch makes a resumed run repeat the
    uninterrupted one exactly (with ``num_workers=0`` or non-persistent
    workers, whose seeds MMEngine derives from the run seed only).
    """

    priority = 'VERY_HIGH'

    def before_train_epoch(self, runner) -> None:
        seed = (runner.seed + 1009 * runner.epoch + get_rank()) % 2**32
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
