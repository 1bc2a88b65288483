from .cross_modal_identity_sampler import CrossModalIdentitySampler
from .identity_sampler import IdentitySampler
from .optisar_pair_sampler import OptiSARPairSampler
from .random_identity_sampler import RandomIdentitySampler

__all__ = [
    'IdentitySampler', 'CrossModalIdentitySampler', 'OptiSARPairSampler',
    'RandomIdentitySampler'
]
