"""HOSS ReID and OptiSar_Pair on disk, the identity and pair samplers and
the transforms."""
from .hoss import HOSSDataset
from .optisar_pair import OptiSARPairDataset
from .samplers import (CrossModalIdentitySampler, OptiSARPairSampler,
                       RandomIdentitySampler)
from .transforms import LoadHOSSImage, PackReIDInputs

__all__ = [
    'HOSSDataset', 'OptiSARPairDataset', 'CrossModalIdentitySampler',
    'OptiSARPairSampler', 'RandomIdentitySampler', 'LoadHOSSImage',
    'PackReIDInputs'
]
