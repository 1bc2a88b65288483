"""Capture time from the TIFF DateTime tag; chip files under folders."""
import numpy as np
import pytest
import tifffile
from PIL import Image

from sdfnet_mm.chips import capture_time, find_chips, read_chip_header


def test_capture_time_from_the_tiff_tag(tmp_path):
    pixels = np.ones((8, 4), np.float32)
    tifffile.imwrite(tmp_path / 'dated.tif', pixels,
                     datetime='2023:02:01 10:30:05')
    header = read_chip_header(str(tmp_path / 'dated.tif'))
    assert capture_time(header).isoformat() == '2023-02-01T10:30:05'
    tifffile.imwrite(tmp_path / 'plain.tif', pixels)
    assert capture_time(read_chip_header(str(tmp_path / 'plain.tif'))) \
        is None
    Image.new('RGB', (4, 8)).save(tmp_path / 'chip.png')
    assert capture_time(read_chip_header(str(tmp_path / 'chip.png'))) \
        is None
    tifffile.imwrite(tmp_path / 'bad.tif', pixels,
                     extratags=[(306, 's', 0, 'yesterday', True)])
    with pytest.raises(ValueError, match=r"bad.tif: TIFF DateTime tag "
                       r"'yesterday'; expected 'YYYY:MM:DD HH:MM:SS'"):
        capture_time(read_chip_header(str(tmp_path / 'bad.tif')))


def test_find_chips(tmp_path):
    for name in ('b.TIF', 'a.png', 'sub/c.jpeg', 'sub/deeper/d.tiff',
                 'notes.txt', 'sub/e.JPG'):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b'')
    expected = [str(tmp_path / name) for name in
                ('a.png', 'b.TIF', 'sub/c.jpeg', 'sub/e.JPG',
                 'sub/deeper/d.tiff')]
    assert find_chips([tmp_path]) == expected
    # A folder given twice, or inside another, lists its chips once.
    assert find_chips([tmp_path, tmp_path / 'sub']) == expected
    with pytest.raises(FileNotFoundError, match='nowhere: not a folder'):
        find_chips([tmp_path / 'nowhere'])
    (tmp_path / 'empty').mkdir()
    with pytest.raises(ValueError, match='empty: no .* chips under'):
        find_chips([tmp_path / 'empty'])
