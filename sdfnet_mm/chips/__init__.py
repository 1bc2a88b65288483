"""Ship chips on disk: HOSS and OptiSar_Pair file names, pixels, SAR to
8-bit conversion and the physical size the ship-size token sees. Used by the
datasets, the inferencer, the synthetic generator and the pictures alike."""
from .chip_file import CHIP_MODES, read_chip_header, read_chip_rgb
from .hoss_name import SUFFIX_OF_MODALITY, HOSSName, parse_hoss_name
from .pair_name import PAIR_EXTENSIONS, PairName, parse_pair_name
from .sar_to_rgb import SAR_TO_UINT8, sar_to_rgb
from .ship_size import GSD_M, chip_size_m, ship_size_vector

__all__ = [
    'CHIP_MODES', 'read_chip_header', 'read_chip_rgb', 'SUFFIX_OF_MODALITY',
    'HOSSName', 'parse_hoss_name', 'PAIR_EXTENSIONS', 'PairName',
    'parse_pair_name', 'SAR_TO_UINT8', 'sar_to_rgb', 'GSD_M', 'chip_size_m',
    'ship_size_vector'
]
