"""The metadata of one gallery chip, as stored in the index's SQLite
table."""
import math
import numbers
from dataclasses import dataclass
from typing import Optional, Union

from sdfnet_mm.structures import parse_modality

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
    """
    path: str
    modality: Union[int, str]
    sensor: Optional[str] = None
    gsd: Optional[float] = None
    capture_time: Optional[CaptureTimeLike] = None
    ship_id: Optional[int] = None

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
        if self.sensor is not None and not isinstance(self.sensor, str):
            raise ValueError(f'{where} ({self.path}): sensor {self.sensor!r} '
                             'must be a string or None')
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
                          capture_time, ship_id)
