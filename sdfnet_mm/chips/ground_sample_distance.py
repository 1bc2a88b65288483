"""Ground sample distance (GSD) of a chip: metres per pixel, and where the
value comes from.

The ship-size token sees the chip's width and height in metres, so every
chip needs its GSD. Sources, first that applies wins:

1. a value given for this very chip (``chip_gsd`` of the inferencer);
2. the chip's GeoTIFF tags (pixel scale of a projected CRS; see
   :mod:`.geotiff`);
3. HOSS's GSD (0.75 m optical, 1.0 m SAR) for a HOSS chip: HOSS name *and*
   HOSS format (see :mod:`.hoss_format`);
4. the per-modality value given by the user (``--gsd optical=0.5 sar=3``);
5. none: an error naming the file and the ways to give one.

A HOSS chip keeps HOSS's GSD even when ``--gsd`` is given, so that HOSS
chips mixed into a folder of another sensor's chips keep their size; a
per-chip value still overrides it.
"""
import math
from typing import Dict, Iterable, Mapping, NamedTuple, Optional, Union

from sdfnet_mm.structures import MODALITY_NAMES, ModalityLike, parse_modality


class PixelSpacing(NamedTuple):
    """Metres on the ground of one pixel step: ``x_m`` along a row (the
    chip's width), ``y_m`` down a column (its height)."""
    x_m: float
    y_m: float


class ChipGSD(NamedTuple):
    """The GSD a chip is given and where it comes from (for messages)."""
    spacing: PixelSpacing
    source: str


def check_gsd_value(value: float, where: str) -> float:
    """``value`` as a float if it is a finite number > 0.

    Raises:
        ValueError: naming ``where`` otherwise.
    """
    try:
        metres = float(value)
    except (TypeError, ValueError):
        raise ValueError(
            f'{where}: {value!r} is not a number; expected a '
            'ground sample distance in metres per pixel') from None
    if not math.isfinite(metres) or metres <= 0:
        raise ValueError(f'{where}: {value!r}; expected a ground sample '
                         'distance in metres per pixel, finite and > 0')
    return metres


class GroundSampleDistance:
    """GSD in metres per pixel given by the user, by modality; a modality
    without a value has ``None``.

    Args:
        values: ``{modality: metres}`` with modality as code or name.

    Example:
        >>> GroundSampleDistance.parse(['optical=0.5', 'sar=3'])
        GroundSampleDistance(optical=0.5, SAR=3.0)
    """

    def __init__(self, values: Optional[Mapping[ModalityLike, float]] = None):
        self._metres: Dict[int, float] = {}
        for key, value in (values or {}).items():
            code = parse_modality(key, 'ground sample distance')
            if code in self._metres:
                raise ValueError(f'ground sample distance: {key!r} given '
                                 'twice')
            self._metres[code] = check_gsd_value(
                value, f'ground sample distance of {key}')

    @classmethod
    def parse(cls, items: Iterable[str]) -> 'GroundSampleDistance':
        """From ``MODALITY=METRES`` strings, e.g. ``['optical=0.5']``.

        Raises:
            ValueError: naming the item that is not ``MODALITY=METRES`` with
                a known modality, a positive number and no repeat.
        """
        values: Dict[int, float] = {}
        for item in items:
            name, sep, value = item.partition('=')
            if not sep:
                raise ValueError(f'--gsd {item!r}: expected MODALITY=METRES, '
                                 'e.g. optical=0.5 sar=3.0')
            code = parse_modality(name.strip(), f'--gsd {item!r}')
            if code in values:
                raise ValueError(f'--gsd {item!r}: {name} given twice')
            values[code] = check_gsd_value(value, f'--gsd {item!r}')
        return cls(values)

    @classmethod
    def of(
        cls, value: Union['GroundSampleDistance', Mapping, Iterable[str], None]
    ) -> 'GroundSampleDistance':
        """An instance from itself, a mapping, ``MODALITY=METRES`` strings
        or ``None`` (no values)."""
        if isinstance(value, cls):
            return value
        if value is None or isinstance(value, Mapping):
            return cls(value)
        if isinstance(value, str):
            return cls.parse([value])
        return cls.parse(value)

    def get(self, modality: int) -> Optional[float]:
        """Metres per pixel given for ``modality`` (0 / 1), or ``None``."""
        return self._metres.get(modality)

    def __eq__(self, other) -> bool:
        return isinstance(other, GroundSampleDistance) \
            and self._metres == other._metres

    def __repr__(self) -> str:
        items = ', '.join(f'{MODALITY_NAMES[code]}={metres}'
                          for code, metres in sorted(self._metres.items()))
        return f'{self.__class__.__name__}({items})'


def resolve_chip_gsd(path: str,
                     modality: int,
                     *,
                     chip_value: Optional[float] = None,
                     tag_spacing: Optional[PixelSpacing] = None,
                     tag_problem: Optional[str] = None,
                     hoss_gsd: Optional[float] = None,
                     given: Optional[GroundSampleDistance] = None) -> ChipGSD:
    """The GSD of one chip by the precedence of the module docstring.

    Args:
        path: The chip file (for messages).
        modality: 0 optical, 1 SAR.
        chip_value: Metres per pixel given for this chip.
        tag_spacing: Spacing read from its GeoTIFF tags.
        tag_problem: Why its GeoTIFF tags give no metres, if they do not.
        hoss_gsd: HOSS's GSD when the chip is a HOSS chip, else ``None``.
        given: The user's per-modality values.

    Raises:
        ValueError: naming ``path`` when no source gives a GSD.
    """
    if chip_value is not None:
        metres = check_gsd_value(chip_value, f'{path}: chip_gsd')
        return ChipGSD(PixelSpacing(metres, metres), 'given for the chip')
    if tag_spacing is not None:
        return ChipGSD(tag_spacing, 'GeoTIFF tags')
    if hoss_gsd is not None:
        return ChipGSD(PixelSpacing(hoss_gsd, hoss_gsd), 'HOSS')
    metres = given.get(modality) if given is not None else None
    if metres is not None:
        return ChipGSD(
            PixelSpacing(metres, metres),
            f'--gsd {MODALITY_NAMES[modality].lower()}')
    why = (f'its GeoTIFF tags give no metres ({tag_problem})'
           if tag_problem else 'it has no GeoTIFF pixel scale')
    name = MODALITY_NAMES[modality].lower()
    raise ValueError(
        f'{path}: the ground sample distance is unknown: {why} and it is not '
        'a HOSS chip; the ship size needs metres per pixel: give '
        f'--gsd {name}=METRES (ReIDInferencer: gsd={{{name!r}: METRES}}, '
        'or chip_gsd={path: METRES} for this chip)')
