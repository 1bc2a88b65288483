"""Chip files of every format: headers, pixels as stored, and refusals
naming the file."""
import imagecodecs
import numpy as np
import pytest
import tifffile
from PIL import Image

from sdfnet_mm.chips import ChipFileError, read_chip, read_chip_header

from chip_writers import write_tiff

RNG = np.random.default_rng(0)
RGBN = RNG.integers(0, 4096, (40, 12, 4), dtype=np.uint16)


def test_real_hoss_chips_decode_as_pillow_does(hoss_root):
    """tifffile (LZW optical, raw float32 SAR) gives Pillow's pixels."""
    paths = sorted(hoss_root.glob('*/*.tif'))
    assert len(paths) == 165
    for path in paths:
        header, pixels = read_chip(str(path))
        reference = np.array(Image.open(path))
        assert pixels.dtype == reference.dtype
        assert np.array_equal(pixels, reference)
        assert (header.format, header.height, header.width) == (
            'TIFF', *reference.shape[:2])
        assert header.tag_spacing is None and header.tag_problem is None


def test_multiband_tiff_contiguous_and_planar(tmp_path):
    contig = write_tiff(tmp_path / 'contig.tif', RGBN)
    planar = tmp_path / 'planar.tif'
    tifffile.imwrite(planar, np.moveaxis(RGBN, 2, 0),
                     photometric='minisblack', planarconfig='separate')
    for path in (contig, str(planar)):
        header, pixels = read_chip(path)
        assert (header.bands, header.dtype, header.rgb_order) == (
            4, np.uint16, False)
        assert np.array_equal(pixels, RGBN)


def test_declared_alpha_is_dropped_and_rgb_order_kept(tmp_path):
    rgba = write_tiff(tmp_path / 'rgba.tif', RGBN, photometric='rgb',
                      extrasamples=[2])
    header, pixels = read_chip(rgba)
    assert header.bands == 3 and header.rgb_order and header.alpha_bands == 1
    assert np.array_equal(pixels, RGBN[..., :3])
    rgbn = write_tiff(tmp_path / 'rgbn.tif', RGBN, photometric='rgb',
                      extrasamples=[0])
    assert read_chip_header(rgbn)[4:8] == (4, np.uint16, True, 0)
    png = tmp_path / 'rgba.png'
    image = RGBN[..., :4].astype(np.uint8)
    Image.fromarray(image, 'RGBA').save(png)
    header, pixels = read_chip(str(png))
    assert (header.format, header.bands, header.rgb_order,
            header.alpha_bands) == ('PNG', 3, True, 1)
    assert np.array_equal(pixels, image[..., :3])


def test_png_and_jpeg(tmp_path):
    grey = RNG.integers(0, 256, (30, 10), dtype=np.uint8)
    Image.fromarray(grey).save(tmp_path / 'grey.png')
    header, pixels = read_chip(str(tmp_path / 'grey.png'))
    assert header[1:7] == ('PNG', 30, 10, 1, np.uint8, False)
    assert np.array_equal(pixels, grey)
    deep = (grey.astype(np.uint16) * 257)
    Image.fromarray(deep).save(tmp_path / 'deep.png')
    header, pixels = read_chip(str(tmp_path / 'deep.png'))
    assert pixels.dtype.kind in 'ui' and np.array_equal(pixels, deep)
    Image.fromarray(np.stack([grey] * 3, axis=2)).save(tmp_path / 'c.jpg')
    header = read_chip_header(str(tmp_path / 'c.jpg'))
    assert header[1:7] == ('JPEG', 30, 10, 3, np.uint8, True)


@pytest.mark.parametrize('make, message', [
    (lambda p: p.write_bytes(b'II*\x00garbage'), 'cannot read the image'),
    (lambda p: p.write_bytes(b'just text'), 'not a TIFF, PNG or JPEG file'),
    (lambda p: Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(
        p, format='BMP'), 'BMP image; expected a TIFF, PNG or JPEG'),
    (lambda p: Image.fromarray(np.zeros((4, 4), bool)).save(
        p, format='PNG'), 'PNG of mode 1; expected'),
    (lambda p: p.write_bytes(imagecodecs.png_encode(
        np.zeros((4, 4, 3), np.uint16))), '16-bit colour PNG'),
    (lambda p: tifffile.imwrite(p, np.zeros((2, 4, 4), np.uint8),
                                photometric='minisblack'),
     'axes QYX.*expected one 2-D image'),
    (lambda p: tifffile.imwrite(p, np.zeros((4, 4), np.uint8),
                                photometric='palette',
                                colormap=np.zeros((3, 256), np.uint16)),
     'photometric PALETTE'),
    (lambda p: tifffile.imwrite(p, np.zeros((8, 8, 3), np.uint8),
                                photometric='ycbcr', subsampling=(1, 1)),
     'YCbCr with NONE compression'),
])
def test_unreadable_files_are_named(tmp_path, make, message):
    path = tmp_path / 'chip_x.tif'
    make(path)
    with pytest.raises(ChipFileError, match=f'chip_x.tif.*{message}'):
        read_chip(str(path))


def test_jpeg_compressed_tiff(tmp_path):
    yy, xx = np.mgrid[0:64, 0:48]
    smooth = np.stack([yy * 4, xx * 5, (yy + xx) * 2], axis=2).astype(
        np.uint8)
    path = write_tiff(tmp_path / 'jpeg.tif', smooth, photometric='rgb',
                      compression='jpeg')
    header, pixels = read_chip(path)
    assert header[1:7] == ('TIFF', 64, 48, 3, np.uint8, True)
    assert np.abs(pixels.astype(int) - smooth).mean() < 2


def test_truncated_tiff_named(tmp_path):
    path = write_tiff(tmp_path / 'cut.tif', RGBN, compression='zlib')
    data = open(path, 'rb').read()
    open(path, 'wb').write(data[:len(data) // 2])
    with pytest.raises(ChipFileError, match='cut.tif: cannot read'):
        read_chip(path)


def test_nodata_pixels_refused(tmp_path):
    pixels = np.ones((6, 4), np.float32)
    clean = write_tiff(tmp_path / 'clean.tif', pixels, nodata='-9999')
    assert read_chip_header(clean).nodata == -9999.0
    assert np.array_equal(read_chip(clean)[1], pixels)
    pixels[0, :2] = -9999
    holed = write_tiff(tmp_path / 'holed.tif', pixels, nodata='-9999')
    with pytest.raises(ChipFileError, match='holed.tif: 2 pixels are no-data '
                       r'\(GDAL_NODATA -9999\)'):
        read_chip(holed)
    pixels[0, :2] = np.nan
    nan = write_tiff(tmp_path / 'nan.tif', pixels, nodata='nan')
    with pytest.raises(ChipFileError, match='nan.tif: 2 pixels are no-data'):
        read_chip(nan)
