"""HOSS ReID on disk, the cross-modal identity sampler and the transforms."""
from .hoss import HOSSDataset
from .samplers import CrossModalIdentitySampler
from .transforms import LoadHOSSImage, PackReIDInputs

__all__ = [
    'HOSSDataset', 'CrossModalIdentitySampler', 'LoadHOSSImage',
    'PackReIDInputs'
]
