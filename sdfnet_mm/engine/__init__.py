from .fileio import AtomicLocalBackend
from .hooks import EpochSeedHook, IdentityCountCheckHook, ProcessSetupHook
from .optimizers import CPUAutocastOptimWrapper
from .precision import (PRECISIONS, Precision, native_bf16_flags,
                        resolve_precision)
from .process_setup import setup_process
from .schedulers import WarmupCosineLR

__all__ = [
    'AtomicLocalBackend', 'EpochSeedHook', 'IdentityCountCheckHook',
    'ProcessSetupHook', 'CPUAutocastOptimWrapper', 'setup_process',
    'WarmupCosineLR', 'PRECISIONS', 'Precision', 'native_bf16_flags',
    'resolve_precision'
]
