"""HOSS ReID on disk, the identity samplers and the transforms."""
from .hoss import HOSSDataset
from .samplers import CrossModalIdentitySampler, RandomIdentitySampler
from .transforms import LoadHOSSImage, PackReIDInputs

__all__ = [
    'HOSSDataset', 'CrossModalIdentitySampler', 'RandomIdentitySampler',
    'LoadHOSSImage', 'PackReIDInputs'
]
