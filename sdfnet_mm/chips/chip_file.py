"""Read a chip file of any supported format: its header and its pixels as
stored, before any conversion to the model's 8-bit RGB.

Formats, told apart by content (not by extension):

- TIFF / GeoTIFF, any sample type and band count, read by ``tifffile``
  (compressions through ``imagecodecs``); its GeoTIFF tags give the
  ground sample distance (:mod:`.geotiff`), ``GDAL_NODATA`` the no-data
  value;
- PNG and JPEG, read by Pillow: 8-bit grey or RGB, 16-bit grey PNG.

Bands declared as alpha (TIFF ``ExtraSamples`` 1 / 2, PNG ``RGBA`` / ``LA``)
are dropped. Every failure is a :class:`ChipFileError` (a ``ValueError``)
naming the file and what was expected.
"""
from typing import NamedTuple, Optional, Tuple

import numpy as np
import tifffile
from PIL import Image

from .geotiff import GeoTIFFScaleError, geotiff_pixel_spacing
from .ground_sample_distance import PixelSpacing

#: File extensions of chips taken from a folder.
CHIP_EXTENSIONS = ('.tif', '.tiff', '.png', '.jpg', '.jpeg')

_TIFF_MAGIC = (b'II*\x00', b'MM\x00*', b'II+\x00', b'MM\x00+')
_GDAL_NODATA_TAG = 42113
_DATETIME_TAG = 306
_ALPHA = (1, 2)  # TIFF ExtraSamples: associated / unassociated alpha
_TIFF_PHOTOMETRIC = ('MINISBLACK', 'RGB', 'YCBCR')
#: Pillow mode -> (mode to convert to, dtype, bands, bands 0-2 are RGB).
_PIL_MODES = {
    'L': ('L', np.uint8, 1, False),
    'LA': ('L', np.uint8, 1, False),
    'RGB': ('RGB', np.uint8, 3, True),
    'RGBA': ('RGB', np.uint8, 3, True),
    'P': ('RGB', np.uint8, 3, True),
    'I;16': ('I;16', np.uint16, 1, False),
    'I;16B': ('I;16', np.uint16, 1, False),
    'I': ('I', np.int32, 1, False),
}
_DECODE_ERRORS = (OSError, ValueError, RuntimeError, SyntaxError, EOFError,
                  KeyError, IndexError)


class ChipFileError(ValueError):
    """A chip file that cannot be read, with the file and the reason."""


class ChipHeader(NamedTuple):
    """What a chip file says about itself (alpha bands not counted).

    ``rgb_order``: the file declares bands 0, 1, 2 as red, green, blue
    (TIFF photometric RGB, a colour PNG / JPEG). ``alpha_bands``: how many
    alpha bands were dropped. ``tag_spacing`` /
    ``tag_problem``: ground metres per pixel from the GeoTIFF tags, or
    why the tags give none (``None`` when there are no scale tags).
    ``datetime``: the TIFF ``DateTime`` tag (306) as stored
    (``'YYYY:MM:DD HH:MM:SS'``), ``None`` without it (see
    :mod:`.capture_time`).
    """
    path: str
    format: str
    height: int
    width: int
    bands: int
    dtype: np.dtype
    rgb_order: bool
    alpha_bands: int = 0
    nodata: Optional[float] = None
    tag_spacing: Optional[PixelSpacing] = None
    tag_problem: Optional[str] = None
    datetime: Optional[str] = None


def _is_tiff(path: str) -> bool:
    with open(path, 'rb') as file:
        return file.read(4) in _TIFF_MAGIC


def _tiff_layout(tif: 'tifffile.TiffFile', path: str) -> Tuple[list, str]:
    """(band indices kept, (H, W, bands) axis order) of the first series."""
    series, page = tif.series[0], tif.pages.first
    photometric = page.photometric.name
    if photometric not in _TIFF_PHOTOMETRIC:
        raise ChipFileError(
            f'{path}: TIFF photometric {photometric}; expected '
            'MINISBLACK (grey / bands) or RGB')
    if photometric == 'YCBCR' and page.compression.name != 'JPEG':
        raise ChipFileError(f'{path}: TIFF YCbCr with {page.compression.name} '
                            'compression; expected RGB (YCbCr only as JPEG, '
                            'which decodes to RGB)')
    axes = series.axes
    if axes not in ('YX', 'YXS', 'SYX'):
        raise ChipFileError(f'{path}: TIFF image of axes {axes} and shape '
                            f'{series.shape}; expected one 2-D image with '
                            'its bands')
    samples = 1 if axes == 'YX' else series.shape[axes.index('S')]
    alpha = [
        samples - len(page.extrasamples) + i
        for i, kind in enumerate(page.extrasamples) if kind in _ALPHA
    ]
    keep = [band for band in range(samples) if band not in alpha]
    return keep, axes


def _tiff_header(tif: 'tifffile.TiffFile', path: str) -> ChipHeader:
    keep, axes = _tiff_layout(tif, path)
    series, page = tif.series[0], tif.pages.first
    size = dict(zip(axes, series.shape))
    nodata = page.tags.valueof(_GDAL_NODATA_TAG)
    try:
        spacing, problem = geotiff_pixel_spacing(page), None
    except GeoTIFFScaleError as err:
        spacing, problem = None, str(err)
    try:
        nodata = None if nodata is None else float(nodata)
    except ValueError:
        raise ChipFileError(
            f'{path}: GDAL_NODATA {nodata!r} is not a number') from None
    rgb_order = page.photometric.name != 'MINISBLACK'
    samples = size.get('S', 1)
    return ChipHeader(path, 'TIFF', size['Y'], size['X'], len(keep),
                      np.dtype(series.dtype), rgb_order, samples - len(keep),
                      nodata, spacing, problem,
                      page.tags.valueof(_DATETIME_TAG))


def _tiff_pixels(tif: 'tifffile.TiffFile', path: str) -> np.ndarray:
    keep, axes = _tiff_layout(tif, path)
    pixels = tif.series[0].asarray()
    if axes == 'SYX':
        pixels = np.moveaxis(pixels, 0, -1)
    if pixels.ndim == 3:
        pixels = pixels[..., keep]
        if len(keep) == 1:
            pixels = pixels[..., 0]
    return pixels


def _pil_mode(img: Image.Image, path: str) -> tuple:
    if img.format not in ('PNG', 'JPEG'):
        raise ChipFileError(
            f'{path}: {img.format} image; expected a TIFF, PNG '
            'or JPEG chip')
    if img.mode not in _PIL_MODES:
        raise ChipFileError(
            f'{path}: {img.format} of mode {img.mode}; expected '
            '8-bit grey or RGB, or 16-bit grey')
    if img.format == 'PNG' and img.tile and \
            str(img.tile[0][3]).startswith(('RGB;16', 'RGBA;16')):
        raise ChipFileError(
            f'{path}: 16-bit colour PNG, which Pillow reads '
            'only to 8 bits; expected 8-bit PNG, or save it as '
            'a 16-bit TIFF')
    return _PIL_MODES[img.mode]


def _pil_header(img: Image.Image, path: str) -> ChipHeader:
    _, dtype, bands, rgb_order = _pil_mode(img, path)
    width, height = img.size
    alpha = int(img.mode in ('RGBA', 'LA'))
    return ChipHeader(path, img.format, height, width, bands, np.dtype(dtype),
                      rgb_order, alpha)


def _pil_pixels(img: Image.Image, path: str) -> np.ndarray:
    mode = _pil_mode(img, path)[0]
    return np.array(img if img.mode == mode else img.convert(mode))


def _read(path: str, pixels: bool):
    try:
        if _is_tiff(path):
            with tifffile.TiffFile(path) as tif:
                header = _tiff_header(tif, path)
                return (header, _tiff_pixels(tif, path)) if pixels else header
        with Image.open(path) as img:
            header = _pil_header(img, path)
            return (header, _pil_pixels(img, path)) if pixels else header
    except Image.UnidentifiedImageError:
        raise ChipFileError(f'{path}: cannot read the image: it is not a '
                            'TIFF, PNG or JPEG file') from None
    except ChipFileError:
        raise
    except _DECODE_ERRORS as err:
        raise ChipFileError(f'{path}: cannot read the image ({err}); expected '
                            'a readable TIFF, PNG or JPEG chip') from err


def read_chip_header(path: str) -> ChipHeader:
    """The header of a chip file (TIFF tags or PNG / JPEG header only).

    Raises:
        ValueError: naming ``path`` when it is not a readable TIFF, PNG or
            JPEG of a supported layout.
    """
    return _read(path, pixels=False)


def read_chip(path: str) -> Tuple[ChipHeader, np.ndarray]:
    """The header and the pixels as stored: (H, W) for one band, else
    (H, W, bands), alpha dropped.

    Raises:
        ValueError: naming ``path`` when it cannot be decoded or holds
            no-data pixels (``GDAL_NODATA``), which no stretch may see.
    """
    header, pixels = _read(path, pixels=True)
    if pixels.shape[:2] != (header.height, header.width):
        raise ChipFileError(f'{path}: decoded shape {pixels.shape} differs '
                            f'from the header ({header.height}, '
                            f'{header.width}); the file is damaged')
    if header.nodata is not None:
        missing = np.isnan(pixels) if np.isnan(header.nodata) else \
            pixels == header.nodata
        if missing.any():
            raise ChipFileError(
                f'{path}: {int(missing.sum())} pixels are no-data '
                f'(GDAL_NODATA {header.nodata:g}); expected a chip without '
                'no-data: crop or fill them')
    return header, pixels
