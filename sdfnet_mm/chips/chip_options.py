"""The user's options for reading chips of other sensors (HOSS chips,
:mod:`.hoss_format`, are read as HOSS defines them whatever these say)."""
from dataclasses import dataclass, field
from typing import Optional

from .ground_sample_distance import GroundSampleDistance
from .optical_to_rgb import OpticalBands, parse_optical_bands
from .sar_scale import check_sar_scale


@dataclass(frozen=True)
class ChipOptions:
    """Validated on creation.

    Args:
        gsd: Per-modality ground sample distance: a
            :class:`GroundSampleDistance`, ``{modality: metres}`` or
            ``MODALITY=METRES`` strings.
        sar_scale: ``'amplitude'``, ``'intensity'`` or ``'db'`` of SAR
            chips (``None``: detected where :mod:`.sar_scale` allows).
        optical_bands: R, G, B band indices of multi-band optical chips,
            ``'2,1,0'`` or a sequence (``None``: the default rule of
            :mod:`.optical_to_rgb`).
    """
    gsd: GroundSampleDistance = field(default_factory=GroundSampleDistance)
    sar_scale: Optional[str] = None
    optical_bands: Optional[OpticalBands] = None

    def __post_init__(self) -> None:
        object.__setattr__(self, 'gsd', GroundSampleDistance.of(self.gsd))
        object.__setattr__(self, 'sar_scale', check_sar_scale(self.sar_scale))
        object.__setattr__(self, 'optical_bands',
                           parse_optical_bands(self.optical_bands))
