from .backbones import SDFViT, SDFViTOutput
from .data_preprocessor import ReIDDataPreprocessor
from .heads import BNNeckHead
from .losses import (OrthogonalLoss, SoftMarginTripletLoss,
                     StructureConsistencyLoss, WeightedTripletLoss)
from .necks import ClassTokenNeck, DisentangleNeck, ReIDFeatures
from .reid import SDFNet
from .tta import ReIDTTAModel

__all__ = [
    'SDFViT', 'SDFViTOutput', 'ReIDDataPreprocessor', 'BNNeckHead',
    'OrthogonalLoss', 'SoftMarginTripletLoss', 'StructureConsistencyLoss',
    'WeightedTripletLoss', 'ClassTokenNeck', 'DisentangleNeck',
    'ReIDFeatures', 'SDFNet', 'ReIDTTAModel'
]
