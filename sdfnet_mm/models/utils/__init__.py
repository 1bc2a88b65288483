from .pixel_random_erasing import PixelRandomErasing
from .scl_descriptor import DIFFERENCES, gradient_energy

__all__ = ['DIFFERENCES', 'gradient_energy', 'PixelRandomErasing']
