from .fileio import AtomicLocalBackend
from .hooks import EpochSeedHook
from .optimizers import CPUAutocastOptimWrapper

__all__ = ['AtomicLocalBackend', 'EpochSeedHook', 'CPUAutocastOptimWrapper']
