from .orthogonal import OrthogonalLoss
from .structure_consistency import StructureConsistencyLoss
from .triplet import TripletLoss, pairwise_euclidean

__all__ = [
    'OrthogonalLoss', 'StructureConsistencyLoss', 'TripletLoss',
    'pairwise_euclidean'
]
