from .fileio import AtomicLocalBackend
from .hooks import EpochSeedHook, IdentityCountCheckHook, ProcessSetupHook
from .optimizers import CPUAutocastOptimWrapper
from .process_setup import setup_process
from .schedulers import WarmupCosineLR

__all__ = [
    'AtomicLocalBackend', 'EpochSeedHook', 'IdentityCountCheckHook',
    'ProcessSetupHook', 'CPUAutocastOptimWrapper', 'setup_process',
    'WarmupCosineLR'
]
