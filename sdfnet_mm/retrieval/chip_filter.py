"""Metadata conditions a search may put on the gallery chips."""
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from .capture_time import CaptureTimeLike, normalise_capture_time
from .sql_list import sql_list


@dataclass(frozen=True)
class ChipFilter:
    """Chips kept by a search (all conditions must hold; None: no
    condition).

    Attributes:
        captured_from: capture time at or after this (ISO-8601 or datetime;
            chips without a capture time fail any time condition).
        captured_before: capture time strictly before this.
        sensors: the chip's sensor is one of these.
        ship_id_known: True: only chips with a ship id; False: only without.
    """
    captured_from: Optional[CaptureTimeLike] = None
    captured_before: Optional[CaptureTimeLike] = None
    sensors: Optional[Sequence[str]] = None
    ship_id_known: Optional[bool] = None

    def sql(self) -> Tuple[str, List]:
        """The conditions as an SQL clause on the ``chips`` table (``''`` or
        ``' AND ...'``) and its parameters.

        Raises:
            ValueError: for a time that is not ISO-8601 or sensors given as
                one string.
        """
        clause, params = '', []
        for column_test, value in (('capture_time >= ?', self.captured_from),
                                   ('capture_time < ?',
                                    self.captured_before)):
            if value is not None:
                clause += f' AND {column_test}'
                params.append(normalise_capture_time(value, 'ChipFilter'))
        if self.sensors is not None:
            if isinstance(self.sensors, str):
                raise ValueError(f'ChipFilter: sensors={self.sensors!r} '
                                 'must be a list of sensor names')
            clause += ' AND sensor IN (SELECT value FROM json_each(?))'
            params.append(sql_list(self.sensors))
        if self.ship_id_known is not None:
            clause += (' AND ship_id IS NOT NULL'
                       if self.ship_id_known else ' AND ship_id IS NULL')
        return clause, params

