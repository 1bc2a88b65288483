from .float32_island import float32_island, upcast
from .pixel_random_erasing import PixelRandomErasing
from .pretrained_init import PretrainedInit, missing_checkpoint_message
from .scl_descriptor import (DIFFERENCES, gradient_energy, gradient_energy_map,
                             spatial_differences)

__all__ = [
    'DIFFERENCES', 'float32_island', 'gradient_energy', 'gradient_energy_map',
    'missing_checkpoint_message', 'PixelRandomErasing', 'PretrainedInit',
    'spatial_differences', 'upcast'
]
