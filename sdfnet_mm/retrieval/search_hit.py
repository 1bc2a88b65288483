"""One result of a gallery search."""
from dataclasses import dataclass

from .chip_record import ChipRecord


@dataclass(frozen=True)
class SearchHit:
    """A gallery chip found for a query.

    Attributes:
        distance: ``1 - cos`` between query and chip features (0 same
            direction, 2 opposite), the project's evaluation distance;
            float64 from the float32 similarity, clipped to [0, 2].
        row: the chip's row in the index (0, 1, ... in the order of adding).
        chip: its metadata as stored (modality code, UTC capture time).
    """
    distance: float
    row: int
    chip: ChipRecord
