"""Ship chips on disk: file formats (TIFF / GeoTIFF, PNG, JPEG), HOSS and
OptiSar_Pair file names, the HOSS format, ground sample distance, optical
and SAR pixels to 8-bit RGB and the physical size the ship-size token sees.
Used by the datasets, the inferencer, the synthetic generator and the
pictures alike."""
from .capture_time import capture_time
from .chip_file import (CHIP_EXTENSIONS, ChipFileError, ChipHeader,
                        read_chip, read_chip_header)
from .chip_info import ChipInfo, chip_info
from .chip_options import ChipOptions
from .chip_rgb import DISPLAY_SAR, read_chip_rgb
from .chip_search import find_chips
from .geotiff import GeoTIFFScaleError, geotiff_pixel_spacing
from .ground_sample_distance import (ChipGSD, GroundSampleDistance,
                                     PixelSpacing, resolve_chip_gsd)
from .hoss_format import GSD_M, hoss_format_problem, is_hoss_chip
from .hoss_name import SUFFIX_OF_MODALITY, HOSSName, parse_hoss_name
from .optical_to_rgb import optical_to_rgb, parse_optical_bands
from .pair_format import pair_sar_scale
from .pair_name import PairName, parse_pair_name
from .sar_scale import SAR_SCALES, to_amplitude
from .sar_to_rgb import SAR_TO_UINT8, sar_to_rgb
from .ship_size import chip_size_m, ship_size_vector

__all__ = [
    'capture_time', 'CHIP_EXTENSIONS', 'ChipFileError', 'ChipHeader',
    'read_chip', 'read_chip_header', 'ChipInfo', 'chip_info', 'ChipOptions',
    'DISPLAY_SAR', 'read_chip_rgb', 'find_chips', 'GeoTIFFScaleError',
    'geotiff_pixel_spacing', 'ChipGSD', 'GroundSampleDistance',
    'PixelSpacing', 'resolve_chip_gsd', 'GSD_M', 'hoss_format_problem',
    'is_hoss_chip', 'SUFFIX_OF_MODALITY', 'HOSSName', 'parse_hoss_name',
    'optical_to_rgb', 'parse_optical_bands', 'pair_sar_scale', 'PairName',
    'parse_pair_name', 'SAR_SCALES', 'to_amplitude', 'SAR_TO_UINT8',
    'sar_to_rgb', 'chip_size_m', 'ship_size_vector'
]
