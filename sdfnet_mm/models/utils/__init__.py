from .float32_island import float32_island, upcast
from .pixel_random_erasing import PixelRandomErasing
from .scl_descriptor import (DIFFERENCES, gradient_energy, gradient_energy_map,
                             spatial_differences)

__all__ = [
    'DIFFERENCES', 'float32_island', 'gradient_energy', 'gradient_energy_map',
    'PixelRandomErasing', 'spatial_differences', 'upcast'
]
