"""Chips of other sensors written into a test's folder: GeoTIFFs with the
GeoKeys real writers use (tifffile ``extratags``), PNG and JPEG (Pillow)."""
from typing import Optional, Sequence

import numpy as np
import tifffile

PIXEL_SCALE, TIE_POINT, TRANSFORMATION = 33550, 33922, 34264
GEO_KEYS, GDAL_NODATA = 34735, 42113
# GeoKey ids.
MODEL_TYPE, RASTER_TYPE, PROJECTED_CRS = 1024, 1025, 3072
GEOGRAPHIC_CRS, PROJ_TRANSFORM, LINEAR_UNITS = 2048, 3075, 3076
ANGULAR_UNITS = 2054

#: GeoKeys of WGS 84 / UTM zone 33N as GDAL writes them (metres).
UTM_33N = {MODEL_TYPE: 1, RASTER_TYPE: 1, ANGULAR_UNITS: 9102,
           PROJECTED_CRS: 32633, LINEAR_UNITS: 9001}
#: Geographic WGS 84 (degrees).
WGS84 = {MODEL_TYPE: 2, RASTER_TYPE: 1, GEOGRAPHIC_CRS: 4326,
         ANGULAR_UNITS: 9102}


def geo_key_directory(keys: dict) -> list:
    """GeoKeyDirectoryTag values of SHORT keys, sorted by id."""
    directory = [1, 1, 0, len(keys)]
    for key in sorted(keys):
        directory += [key, 0, 1, keys[key]]
    return directory


def write_tiff(path, pixels: np.ndarray,
               keys: Optional[dict] = None,
               scale: Optional[Sequence[float]] = None,
               transformation: Optional[Sequence[float]] = None,
               nodata: Optional[str] = None,
               photometric: Optional[str] = None,
               **kwargs) -> str:
    """``pixels`` (H, W) or (H, W, bands) as a TIFF with the given
    GeoTIFF tags; bands contiguous, photometric MINISBLACK unless given
    (as GDAL writes multi-band non-byte rasters)."""
    tags = []
    if scale is not None:
        tags.append((PIXEL_SCALE, 'd', 3, tuple(scale) + (0.0, ), False))
        tags.append((TIE_POINT, 'd', 6, (0, 0, 0, 500000, 4e6, 0), False))
    if transformation is not None:
        tags.append((TRANSFORMATION, 'd', 16, tuple(transformation), False))
    if keys is not None:
        directory = geo_key_directory(keys)
        tags.append((GEO_KEYS, 'H', len(directory), directory, False))
    if nodata is not None:
        tags.append((GDAL_NODATA, 's', 0, nodata, False))
    if photometric is None:
        photometric = 'minisblack'
        if pixels.ndim == 3:
            kwargs.setdefault('planarconfig', 'contig')
    tifffile.imwrite(path, pixels, photometric=photometric, extratags=tags,
                     **kwargs)
    return str(path)
