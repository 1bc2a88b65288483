"""HOSS ReID and OptiSar_Pair on disk, their samplers and the transforms."""
from .hoss import HOSSDataset
from .optisar_pair import OptiSARPairDataset
from .pair_sampler import OptiSARPairSampler
from .samplers import CrossModalIdentitySampler
from .transforms import LoadHOSSImage, PackReIDInputs

__all__ = [
    'HOSSDataset', 'OptiSARPairDataset', 'OptiSARPairSampler',
    'CrossModalIdentitySampler', 'LoadHOSSImage', 'PackReIDInputs'
]
