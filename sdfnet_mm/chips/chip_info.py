"""What the model needs to know about a chip before reading its pixels:
modality, ground sample distance (hence the ship-size vector) and how its
pixels are to be read, checked against the file's header."""
from typing import NamedTuple, Optional, Tuple

from sdfnet_mm.structures import OPTICAL
from .chip_file import ChipFileError, ChipHeader, read_chip
from .chip_options import ChipOptions
from .ground_sample_distance import ChipGSD, resolve_chip_gsd
from .hoss_format import GSD_M, is_hoss_chip
from .optical_to_rgb import (OpticalBands, check_optical_dtype,
                             rgb_band_indices)
from .sar_scale import detect_sar_scale, sar_scale_rule
from .ship_size import chip_size_m, ship_size_vector


class ChipInfo(NamedTuple):
    """One chip, resolved.

    ``sar_scale`` (SAR chips) and ``optical_bands`` (optical chips of other
    sensors) are what :func:`~.chip_rgb.read_chip_rgb` needs to read the
    pixels as decided here.
    """
    header: ChipHeader
    modality: int
    hoss: bool
    gsd: ChipGSD
    sar_scale: Optional[str]
    optical_bands: Optional[OpticalBands]

    @property
    def size_m(self) -> Tuple[float, float]:
        """(height, width) in metres."""
        return chip_size_m(self.header.height, self.header.width,
                           self.gsd.spacing)

    @property
    def ship_size(self) -> Tuple[float, float, float]:
        """The SSE 3-vector (:func:`~.ship_size.ship_size_vector`)."""
        return ship_size_vector(self.header.height, self.header.width,
                                self.gsd.spacing)


def check_sar_layout(header: ChipHeader) -> None:
    """Raise ``ValueError`` unless the chip has one real-valued band."""
    if header.bands != 1:
        raise ValueError(f'SAR chip with {header.bands} bands; expected one '
                         'band (one polarisation, grey)')
    if header.dtype.kind not in 'uif':
        raise ValueError(f'SAR pixels of type {header.dtype}; expected real '
                         'values (for complex data take the magnitude)')


def chip_info(header: ChipHeader,
              modality: int,
              options: ChipOptions = ChipOptions(),
              chip_gsd: Optional[float] = None) -> ChipInfo:
    """Resolve a chip of ``modality`` (0 / 1): its GSD by the precedence of
    :mod:`.ground_sample_distance`, its SAR scale (:mod:`.sar_scale`;
    pixels are read only to detect it) or its RGB bands
    (:mod:`.optical_to_rgb`).

    Raises:
        ValueError: naming the file when any of them cannot be resolved.
    """
    path = header.path
    hoss = is_hoss_chip(header, modality)
    sar_scale, bands = None, None
    try:
        if modality == OPTICAL:
            bands = None if hoss else options.optical_bands
            check_optical_dtype(header.dtype)
            rgb_band_indices(header.bands, header.rgb_order, bands)
        else:
            check_sar_layout(header)
            sar_scale = sar_scale_rule(header.dtype, options.sar_scale, hoss)
            if sar_scale is None:
                sar_scale = detect_sar_scale(read_chip(path)[1])
    except ChipFileError:
        raise
    except ValueError as err:
        raise ValueError(f'{path}: {err}') from err
    gsd = resolve_chip_gsd(
        path,
        modality,
        chip_value=chip_gsd,
        tag_spacing=header.tag_spacing,
        tag_problem=header.tag_problem,
        hoss_gsd=GSD_M[modality] if hoss else None,
        given=options.gsd)
    return ChipInfo(header, modality, hoss, gsd, sar_scale, bands)
