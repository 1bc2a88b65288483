from .pixel_random_erasing import PixelRandomErasing
from .scl_descriptor import (DIFFERENCES, gradient_energy, gradient_energy_map,
                             spatial_differences)

__all__ = ['DIFFERENCES', 'gradient_energy', 'gradient_energy_map',
           'PixelRandomErasing', 'spatial_differences']
