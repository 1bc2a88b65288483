"""The authors' learning-rate schedule, written out as the tests' reference
(cfrfree/SDF-Net solver/: timm's CosineLRScheduler with t_initial 100,
lr_min 0.002 x 5e-4, warmup_lr_init 0.01 x 5e-4, warmup_t 5, called with
``step(epoch)`` at the start of epochs 1..100)."""
import math

BASE_LR = 5e-4


def authors_lr(base: float, epoch: int) -> float:
    """The lr of a param group of base lr ``base`` in epoch ``epoch``
    (1-based); the warm-up start and the floor are absolute."""
    warmup, floor = 0.01 * BASE_LR, 0.002 * BASE_LR
    if epoch < 5:
        return warmup + epoch * (base - warmup) / 5
    return floor + (base - floor) * (1 + math.cos(math.pi * epoch / 100)) / 2
