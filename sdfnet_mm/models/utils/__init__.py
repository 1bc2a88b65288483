from .structure import DIFFERENCES, gradient_energy

__all__ = ['DIFFERENCES', 'gradient_energy']
