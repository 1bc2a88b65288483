from .pretrained_init import PretrainedInit, missing_checkpoint_message
from .scl_descriptor import DIFFERENCES, gradient_energy

__all__ = [
    'PretrainedInit', 'missing_checkpoint_message', 'DIFFERENCES',
    'gradient_energy'
]
