"""When a chip was captured, where its file says so.

Rule: the TIFF ``DateTime`` tag (306), ``'YYYY:MM:DD HH:MM:SS'`` as TIFF
6.0 writes it (``tifffile.imwrite(..., datetime=...)`` and GDAL's
``TIFFTAG_DATETIME`` write it), taken as UTC: TIFF gives no time zone and
satellite products are stamped in UTC. TIFF defines it as the time the
image was created, which for a chip cut from a scene is the capture time
when the chip writer copies it from the scene (as archive pipelines do);
PNG and JPEG chips, and TIFFs without the tag, have no capture time.
"""
from datetime import datetime
from typing import Optional

from .chip_file import ChipHeader

#: ``strptime`` format of the TIFF ``DateTime`` tag.
TIFF_DATETIME_FORMAT = '%Y:%m:%d %H:%M:%S'


def capture_time(header: ChipHeader) -> Optional[datetime]:
    """The capture time of a chip (naive, UTC), ``None`` when its file
    gives none.

    Raises:
        ValueError: naming the file when its ``DateTime`` tag is not
            ``'YYYY:MM:DD HH:MM:SS'``.
    """
    if header.datetime is None:
        return None
    try:
        return datetime.strptime(str(header.datetime).strip('\x00 '),
                                 TIFF_DATETIME_FORMAT)
    except ValueError:
        raise ValueError(
            f'{header.path}: TIFF DateTime tag {header.datetime!r}; expected '
            "'YYYY:MM:DD HH:MM:SS' (TIFF 6.0)") from None
