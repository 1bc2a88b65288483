from .scl_descriptor import DIFFERENCES, gradient_energy

__all__ = ['DIFFERENCES', 'gradient_energy']
