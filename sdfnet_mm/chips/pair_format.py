"""What an OptiSar_Pair chip may be, and how its SAR pixels are read.

The authors' loader reads SAR TIFFs as float amplitude (stretched by the
max) and every other chip as an 8-bit image, converted to RGB as it is.
Here: optical chips as any optical chip of :mod:`.optical_to_rgb`; SAR
chips of one band, float as amplitude, 8-bit as display values
(:data:`~.chip_rgb.DISPLAY_SAR`), unless a scale is declared for them.
"""
from typing import Optional

import numpy as np

from sdfnet_mm.structures import OPTICAL
from .chip_file import ChipHeader
from .chip_info import check_sar_layout
from .chip_rgb import DISPLAY_SAR
from .optical_to_rgb import check_optical_dtype, rgb_band_indices
from .sar_scale import sar_scale_rule


def pair_sar_scale(header: ChipHeader, modality: int,
                   declared: Optional[str] = None) -> Optional[str]:
    """The ``sar_scale`` to read a pair chip with (``None`` for optical
    chips), after checking its layout and pixel type.

    Raises:
        ValueError: naming the file when the chip cannot be read as its
            modality (or with the declared scale).
    """
    try:
        if modality == OPTICAL:
            check_optical_dtype(header.dtype)
            rgb_band_indices(header.bands, header.rgb_order, None)
            return None
        check_sar_layout(header)
        if declared is None:
            if header.dtype.kind == 'f':
                return 'amplitude'
            declared = DISPLAY_SAR
        if declared == DISPLAY_SAR:
            if header.dtype != np.uint8:
                raise ValueError(f'SAR pixels of type {header.dtype}; '
                                 'expected float amplitude or 8-bit display '
                                 'values, or declare sar_scale')
            return DISPLAY_SAR
        return sar_scale_rule(header.dtype, declared, hoss=False)
    except ValueError as err:
        raise ValueError(f'{header.path}: {err}') from err
