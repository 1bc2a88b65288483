from .orthogonal import OrthogonalLoss
from .structure_consistency import StructureConsistencyLoss
from .triplet import (SoftMarginTripletLoss, WeightedTripletLoss,
                      pairwise_euclidean)

__all__ = [
    'OrthogonalLoss', 'StructureConsistencyLoss', 'SoftMarginTripletLoss',
    'WeightedTripletLoss', 'pairwise_euclidean'
]
