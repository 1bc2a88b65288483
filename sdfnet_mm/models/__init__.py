from .backbones import SDFViT
from .data_preprocessor import ReIDDataPreprocessor
from .heads import BNNeckHead
from .losses import (CrossModalContrastiveLoss, OrthogonalLoss,
                     StructureConsistencyLoss, TripletLoss)
from .necks import ClassTokenNeck, DisentangleNeck
from .reid import SDFNet
from .selfsup import LOGIT_SCALE_INIT, OpticalSARContrastive
from .tta import ReIDTTAModel
from .utils import PixelRandomErasing, PretrainedInit

__all__ = [
    'SDFViT', 'ReIDDataPreprocessor', 'BNNeckHead',
    'CrossModalContrastiveLoss', 'OrthogonalLoss',
    'StructureConsistencyLoss', 'TripletLoss', 'ClassTokenNeck',
    'DisentangleNeck', 'SDFNet', 'OpticalSARContrastive', 'ReIDTTAModel',
    'PixelRandomErasing', 'PretrainedInit', 'LOGIT_SCALE_INIT'
]
