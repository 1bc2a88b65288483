from .backbones import SDFViT
from .data_preprocessor import ReIDDataPreprocessor
from .heads import BNNeckHead
from .losses import OrthogonalLoss, StructureConsistencyLoss, TripletLoss
from .necks import ClassTokenNeck, DisentangleNeck
from .reid import SDFNet
from .tta import ReIDTTAModel
from .utils import PixelRandomErasing

__all__ = [
    'SDFViT', 'ReIDDataPreprocessor', 'BNNeckHead', 'OrthogonalLoss',
    'StructureConsistencyLoss', 'TripletLoss', 'ClassTokenNeck',
    'DisentangleNeck', 'SDFNet', 'ReIDTTAModel', 'PixelRandomErasing'
]
