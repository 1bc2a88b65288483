"""Ground metres per pixel from a chip's GeoTIFF tags (read by tifffile).

Rule: the pixel step comes from ``ModelPixelScaleTag`` (33550) or, without
it, from the columns of ``ModelTransformationTag`` (34264; rotated grids
too). It is in the map units of the CRS that the ``GeoKeyDirectoryTag``
(34735) describes, and becomes metres only when that CRS is projected
(``GTModelTypeGeoKey`` 1) with linear units metre (9001), foot (9002), US
survey foot (9003) or a user-defined unit with its size in metres
(``ProjLinearUnitSizeGeoKey``); without ``ProjLinearUnitsGeoKey`` only a WGS 84
UTM zone (EPSG 32601-32660, 32701-32760) is taken as metres. Refused, with
the reason: geographic CRSs (degrees), geocentric or undefined model types,
other units, and Mercator projections (EPSG 3857, 3395, ...; their metres
are ground metres only at the equator, ``1 / cos(latitude)`` too large
elsewhere). Other projections are taken at face value: their scale error
in their area of use is small (UTM within 0.1 %). Tie points alone (SAR
products with GCPs) give no scale, and TIFF's ``XResolution`` (print dots
per inch) is never used.
"""
import math
from typing import Optional, Tuple

from .ground_sample_distance import PixelSpacing

PIXEL_SCALE_TAG = 33550
TRANSFORMATION_TAG = 34264
GEO_KEY_DIRECTORY_TAG = 34735

PROJECTED, GEOGRAPHIC = 1, 2
USER_DEFINED = 32767
CT_MERCATOR = 7
#: EPSG linear unit code -> metres.
METRES_PER_UNIT = {9001: 1.0, 9002: 0.3048, 9003: 1200 / 3937}
#: Web / world Mercator CRSs (EPSG and ESRI codes).
MERCATOR_CRS = frozenset((3857, 3395, 3785, 900913, 102100, 102113, 54004))


class GeoTIFFScaleError(ValueError):
    """The GeoTIFF tags hold a pixel scale that is not in ground metres."""


def _is_wgs84_utm(crs: int) -> bool:
    return 32601 <= crs <= 32660 or 32701 <= crs <= 32760


def _pixel_steps(tags) -> Optional[Tuple[float, float]]:
    """(x, y) pixel steps in map units, or ``None`` without scale tags."""
    scale = tags.valueof(PIXEL_SCALE_TAG)
    if scale is not None:
        if len(scale) < 2:
            raise GeoTIFFScaleError(f'ModelPixelScaleTag {scale!r} has fewer '
                                    'than 2 values')
        return abs(float(scale[0])), abs(float(scale[1]))
    matrix = tags.valueof(TRANSFORMATION_TAG)
    if matrix is not None:
        if len(matrix) != 16:
            raise GeoTIFFScaleError(f'ModelTransformationTag has '
                                    f'{len(matrix)} values; expected 16')
        return math.hypot(matrix[0],
                          matrix[4]), math.hypot(matrix[1], matrix[5])
    return None


def _metres_per_map_unit(keys: dict) -> float:
    """Metres per map unit of the CRS the GeoKeys describe."""
    model = keys.get('GTModelTypeGeoKey')
    if model == GEOGRAPHIC:
        raise GeoTIFFScaleError(
            'geographic CRS: the pixel scale is in degrees, whose ground '
            'length depends on latitude; reproject to a projected CRS in '
            'metres (e.g. UTM)')
    if model != PROJECTED:
        raise GeoTIFFScaleError(f'GTModelTypeGeoKey {model!r}; expected 1 '
                                '(projected CRS)')
    crs = keys.get('ProjectedCSTypeGeoKey')
    if (crs is not None and int(crs) in MERCATOR_CRS) \
            or keys.get('ProjCoordTransGeoKey') == CT_MERCATOR:
        raise GeoTIFFScaleError(
            f'Mercator projection (CRS {crs}): its metres are ground metres '
            'only at the equator (1/cos(latitude) too large elsewhere); '
            'reproject to UTM')
    unit = keys.get('ProjLinearUnitsGeoKey')
    if unit is None:
        if crs is not None and _is_wgs84_utm(int(crs)):
            return 1.0
        raise GeoTIFFScaleError(f'projected CRS {crs} without '
                                'ProjLinearUnitsGeoKey: the units are unknown')
    if int(unit) == USER_DEFINED and 'ProjLinearUnitSizeGeoKey' in keys:
        return float(keys['ProjLinearUnitSizeGeoKey'])
    if int(unit) not in METRES_PER_UNIT:
        raise GeoTIFFScaleError(
            f'linear unit {int(unit)}; expected metre (9001), foot (9002) '
            'or US survey foot (9003)')
    return METRES_PER_UNIT[int(unit)]


def geotiff_pixel_spacing(page) -> Optional[PixelSpacing]:
    """Ground metres per pixel of a ``tifffile.TiffPage``, ``None`` when
    its tags hold no pixel scale.

    Raises:
        GeoTIFFScaleError: when they hold one that is not in ground metres
            (see the module docstring), with the reason.
    """
    steps = _pixel_steps(page.tags)
    if steps is None:
        return None
    if GEO_KEY_DIRECTORY_TAG not in page.tags:
        raise GeoTIFFScaleError('a pixel scale without GeoKeyDirectoryTag: '
                                'its units are unknown')
    keys = page.geotiff_tags
    if keys is None:
        raise GeoTIFFScaleError('the GeoKeyDirectoryTag does not parse')
    metres = _metres_per_map_unit(keys)
    x_m, y_m = steps[0] * metres, steps[1] * metres
    for value in (x_m, y_m):
        if not math.isfinite(value) or value <= 0:
            raise GeoTIFFScaleError(f'pixel scale {steps} map units; '
                                    'expected finite values > 0')
    return PixelSpacing(x_m, y_m)
