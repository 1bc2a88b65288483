from .pixel_random_erasing import PixelRandomErasing
from .pretrained_init import PretrainedInit, missing_checkpoint_message
from .scl_descriptor import DIFFERENCES, gradient_energy

__all__ = [
    'DIFFERENCES', 'gradient_energy', 'PixelRandomErasing', 'PretrainedInit',
    'missing_checkpoint_message'
]
