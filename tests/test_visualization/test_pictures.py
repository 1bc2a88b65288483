"""Picture helpers: the tile grid's layout and the heat-map blend."""
import matplotlib
import numpy as np
import pytest

from sdfnet_mm.visualization import (draw_tile_grid, heatmap_overlay,
                                     normalise_heat)
from sdfnet_mm.visualization.canvas import LINE_HEIGHT, text_width
from sdfnet_mm.visualization.tile_grid import GAP, MARGIN


def test_tile_grid_layout_by_hand():
    red = np.full((30, 10, 3), (255, 0, 0), np.uint8)
    blue = np.full((20, 40, 3), (0, 0, 255), np.uint8)
    grid = draw_tile_grid([[red, None], [blue, red]], ['a', 'b\nc'],
                          ['row 1', 'r2'])
    label = text_width('row 1') + GAP
    header = 2 * LINE_HEIGHT  # 'b\nc' has two lines
    # Column widths 40 and 10, row heights 30 and 30 (the tallest tiles).
    left0, left1 = MARGIN + label, MARGIN + label + 40 + GAP
    top0, top1 = MARGIN + header, MARGIN + header + 30 + GAP
    assert grid.boxes == [[(top0, left0, 30, 10), None],
                          [(top1, left0, 20, 40), (top1, left1, 30, 10)]]
    assert grid.picture.shape == (top1 + 30 + MARGIN, left1 + 10 + MARGIN, 3)
    for row, tiles in zip(grid.boxes, [[red, None], [blue, red]]):
        for box, tile in zip(row, tiles):
            if box is not None:
                top, left, height, width = box
                np.testing.assert_array_equal(
                    grid.picture[top:top + height, left:left + width], tile)
    # The empty cell and the padding under the short tile stay white.
    assert (grid.picture[top0:top0 + 30, left1:left1 + 10] == 255).all()
    assert (grid.picture[top1 + 20:top1 + 30, left0:left0 + 40] == 255).all()
    # Text is drawn in the header and the label column only.
    assert (grid.picture[:MARGIN + header, left0:] < 128).any()
    assert (grid.picture[top0:, :label] < 128).any()
    with pytest.raises(ValueError, match='one label per row'):
        draw_tile_grid([[red]], ['a', 'b'], ['r'])


def test_heatmap_overlay_by_hand():
    image = np.full((8, 4, 3), 100, np.uint8)
    jet = matplotlib.colormaps['jet']
    # A constant map is all low (blue end of the colour map).
    flat = heatmap_overlay(image, np.ones((2, 1)), alpha=0.5)
    low = np.round(0.5 * np.array(jet(0.0)[:3]) * 255 + 50)
    assert (flat == low.astype(np.uint8)).all()
    # A 2 x 1 map, bottom high: bilinear over 8 rows, red at the bottom.
    heat = np.array([[3.0], [7.0]])
    np.testing.assert_array_equal(normalise_heat(heat), [[0.0], [1.0]])
    blended = heatmap_overlay(image, heat, alpha=1.0)
    np.testing.assert_array_equal(
        blended[-1, 0], np.round(np.array(jet(1.0)[:3]) * 255))
    np.testing.assert_array_equal(
        blended[0, 0], np.round(np.array(jet(0.0)[:3]) * 255))
    with pytest.raises(ValueError, match='NaN'):
        heatmap_overlay(image, np.array([[np.nan]]))
