"""The metadata of one gallery chip, as stored in the index's SQLite
table."""
import math
import numbers
from dataclasses import dataclass
from typing import Optional, Sequence, Union

from sdfnet_mm.chips import ChipInfo, capture_time, parse_optical_bands
from sdfnet_mm.chips.sar_scale import check_sar_scale
from sdfnet_mm.structures import SAR, parse_modality

from .capture_time import CaptureTimeLike, normalise_capture_time


@dataclass(frozen=True)
class ChipRecord:
    """One chip of the archive.

    Attributes:
        path: where the chip's image is; unique in an index.
        modality: ``0`` / ``'optical'`` or ``1`` / ``'sar'`` (stored as the
            code of :mod:`sdfnet_mm.structures.modality`).
        sensor: satellite or instrument name, if known.
        gsd: ground sample distance in metres per pixel, if known.
        capture_time: ISO-8601 text or ``datetime``, if known (stored as UTC
            text, see :func:`normalise_capture_time`).
        ship_id: identity of the ship, if known.
        gsd_source: where ``gsd`` comes from, if recorded (the sources of
            :mod:`sdfnet_mm.chips.ground_sample_distance`: ``'HOSS'``,
            ``'GeoTIFF tags'``, ``'--gsd sar'``, ...).
        sar_scale: how the pixels of a SAR chip were read (``'amplitude'``,
            ``'intensity'``, ``'db'``), if recorded; pictures read it so.
        optical_bands: the R, G, B bands of a multi-band optical chip
            (``'2,1,0'`` or a sequence; stored as text), if chosen.
    """
    path: str
    modality: Union[int, str]
    sensor: Optional[str] = None
    gsd: Optional[float] = None
    capture_time: Optional[CaptureTimeLike] = None
    ship_id: Optional[int] = None
    gsd_source: Optional[str] = None
    sar_scale: Optional[str] = None
    optical_bands: Optional[Union[str, Sequence[int]]] = None

    @classmethod
    def of_chip(cls,
                chip: ChipInfo,
                identity: Optional[int],
                sensor: Optional[str] = None) -> 'ChipRecord':
        """The record of a chip resolved for the model
        (:func:`sdfnet_mm.chips.chip_info`): its GSD as used and its source
        (for a pixel that is not square, the geometric mean of its sides),
        its SAR scale and bands as read, its capture time from the TIFF tags
        (:func:`sdfnet_mm.chips.capture_time`) and its ship id from a HOSS
        name (``identity``; None, or -1 for a distractor, store none).

        Raises:
            ValueError: naming the file for a malformed TIFF DateTime tag.
        """
        spacing = chip.gsd.spacing
        return cls(
            chip.header.path,
            chip.modality,
            sensor=sensor,
            gsd=math.sqrt(spacing.x_m * spacing.y_m),
            capture_time=capture_time(chip.header),
            ship_id=identity if identity is not None and identity >= 0
            else None,
            gsd_source=chip.gsd.source,
            sar_scale=chip.sar_scale,
            optical_bands=chip.optical_bands)

    def normalised(self, where: str) -> 'ChipRecord':
        """The record as stored: modality code, UTC capture time text,
        float gsd, int ship id.

        Raises:
            ValueError: naming ``where`` and the field for a bad value.
        """
        if not isinstance(self.path, str) or not self.path:
            raise ValueError(f'{where}: path {self.path!r} must be a '
                             'non-empty string')
        modality = parse_modality(self.modality, f'{where} ({self.path})')
        for name in ('sensor', 'gsd_source'):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise ValueError(f'{where} ({self.path}): {name} {value!r} '
                                 'must be a string or None')
        try:
            sar_scale = check_sar_scale(self.sar_scale)
            bands = parse_optical_bands(self.optical_bands)
        except ValueError as err:
            raise ValueError(f'{where} ({self.path}): {err}') from None
        if sar_scale is not None and modality != SAR:
            raise ValueError(f'{where} ({self.path}): sar_scale '
                             f'{sar_scale!r} given for an optical chip')
        if bands is not None and modality == SAR:
            raise ValueError(f'{where} ({self.path}): optical_bands '
                             f'{self.optical_bands!r} given for a SAR chip')
        gsd = self.gsd
        if gsd is not None:
            if isinstance(gsd, bool) or not isinstance(gsd, numbers.Real) \
                    or not math.isfinite(gsd) or gsd <= 0:
                raise ValueError(f'{where} ({self.path}): gsd {gsd!r} must '
                                 'be a positive number of metres per pixel '
                                 'or None')
            gsd = float(gsd)
        capture_time = self.capture_time
        if capture_time is not None:
            capture_time = normalise_capture_time(capture_time,
                                                  f'{where} ({self.path})')
        ship_id = self.ship_id
        if ship_id is not None:
            if isinstance(ship_id, bool) or not isinstance(
                    ship_id, numbers.Integral):
                raise ValueError(f'{where} ({self.path}): ship_id '
                                 f'{ship_id!r} must be an integer or None')
            ship_id = int(ship_id)
        return ChipRecord(self.path, modality, self.sensor, gsd,
                          capture_time, ship_id, self.gsd_source, sar_scale,
                          None if bands is None else
                          ','.join(map(str, bands)))
