from .cross_modal_contrastive import CrossModalContrastiveLoss, gather_global
from .orthogonal import OrthogonalLoss
from .structure_consistency import StructureConsistencyLoss
from .triplet import TripletLoss, pairwise_euclidean

__all__ = [
    'CrossModalContrastiveLoss', 'gather_global', 'OrthogonalLoss',
    'StructureConsistencyLoss', 'TripletLoss', 'pairwise_euclidean'
]
