from .hoss import HOSSDataset, parse_hoss_name
from .samplers import CrossModalIdentitySampler
from .ship_size import GSD_M, OPTICAL, SAR, ship_size_vector
from .transforms import LoadHOSSImage, PackReIDInputs, sar_to_rgb

__all__ = [
    'HOSSDataset', 'parse_hoss_name', 'CrossModalIdentitySampler', 'GSD_M',
    'OPTICAL', 'SAR', 'ship_size_vector', 'LoadHOSSImage', 'PackReIDInputs',
    'sar_to_rgb'
]
