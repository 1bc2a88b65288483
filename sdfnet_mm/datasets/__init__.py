from .hoss import HOSSDataset, parse_hoss_name
from .samplers import CrossModalIdentitySampler
from .modality import MODALITY_NAMES, OPTICAL, SAR
from .ship_size import GSD_M, ship_size_vector
from .transforms import LoadHOSSImage, PackReIDInputs, sar_to_rgb

__all__ = [
    'HOSSDataset', 'parse_hoss_name', 'CrossModalIdentitySampler', 'GSD_M',
    'MODALITY_NAMES', 'OPTICAL', 'SAR', 'ship_size_vector', 'LoadHOSSImage', 'PackReIDInputs',
    'sar_to_rgb'
]
