"""Capture times as SQLite text that sorts in time order."""
from datetime import datetime, timezone
from typing import Union

CaptureTimeLike = Union[str, datetime]


def normalise_capture_time(value: CaptureTimeLike, where: str) -> str:
    """An ISO-8601 time (text or ``datetime``) -> UTC ISO-8601 text without
    offset, e.g. ``'2021-06-01T10:30:00'`` (microseconds kept when not
    zero), so that text order is time order. Times without an offset are
    taken as UTC.

    Raises:
        ValueError: naming ``where`` and the value when it is not ISO-8601.
    """
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f'{where}: capture time {value!r} is not ISO-8601 '
                "(e.g. '2021-06-01T10:30:00Z')") from None
    if not isinstance(value, datetime):
        raise ValueError(f'{where}: capture time {value!r} is not ISO-8601 '
                         'text or a datetime')
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat()
