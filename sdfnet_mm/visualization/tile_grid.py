"""A grid of image tiles with column titles and row labels.

Layout, in pixels: a header of ``max title lines * LINE_HEIGHT`` over the
columns, a label column of the widest row label line on the left;
column ``j`` is as wide as its widest tile or title line, row ``i`` as tall
as its tallest tile or label; cells are ``GAP`` apart and ``MARGIN`` from the border, each
tile at its own size in the top-left corner of its cell (no scaling:
scale tiles before, e.g. with :func:`scale_to_height`). An empty cell
(None) stays background.
"""
from typing import List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from .canvas import BACKGROUND, LINE_HEIGHT, draw_texts, text_width

MARGIN = 4
GAP = 6


class TileGrid(NamedTuple):
    """A drawn grid.

    Attributes:
        picture (np.ndarray): (H, W, 3) uint8 RGB.
        boxes (list): per row, per column, the tile's ``(top, left,
            height, width)`` in the picture, or None for an empty cell.
    """
    picture: np.ndarray
    boxes: List[List[Optional[Tuple[int, int, int, int]]]]


def draw_tile_grid(tiles: Sequence[Sequence[Optional[np.ndarray]]],
                   column_titles: Sequence[str],
                   row_labels: Sequence[str]) -> TileGrid:
    """Draw ``tiles[i][j]`` ((h, w, 3) uint8 RGB or None) in row ``i`` and
    column ``j``; titles and labels may have several lines (``'\\n'``)."""
    if len(row_labels) != len(tiles) or any(
            len(row) != len(column_titles) for row in tiles):
        raise ValueError(
            f'{len(tiles)} rows of {[len(row) for row in tiles]} tiles for '
            f'{len(row_labels)} row labels and {len(column_titles)} columns;'
            ' expected one label per row and one tile (or None) per column')
    if not tiles:
        raise ValueError('no tiles to draw')
    widths = [max([t.shape[1] for t in column if t is not None] +
                  [text_width(line) for line in title.split('\n')])
              for column, title in zip(zip(*tiles), column_titles)]
    heights = [max([t.shape[0] for t in row if t is not None] +
                   [LINE_HEIGHT * len(label.split('\n'))])
               for row, label in zip(tiles, row_labels)]
    label_width = max(text_width(line) for label in row_labels
                      for line in label.split('\n')) + GAP
    header = LINE_HEIGHT * max(len(t.split('\n')) for t in column_titles)
    lefts = MARGIN + label_width + np.cumsum([0] + [w + GAP for w in widths])
    tops = MARGIN + header + np.cumsum([0] + [h + GAP for h in heights])
    canvas = np.full((tops[-1] - GAP + MARGIN, lefts[-1] - GAP + MARGIN, 3),
                     BACKGROUND, np.uint8)
    boxes = []
    for row, top in zip(tiles, tops):
        boxes.append([])
        for tile, left in zip(row, lefts):
            if tile is None:
                boxes[-1].append(None)
                continue
            height, width = tile.shape[:2]
            canvas[top:top + height, left:left + width] = tile
            boxes[-1].append((int(top), int(left), height, width))
    texts = [((left, MARGIN + k * LINE_HEIGHT), line)
             for title, left in zip(column_titles, lefts)
             for k, line in enumerate(title.split('\n'))]
    texts += [((MARGIN, top + k * LINE_HEIGHT), line)
              for label, top in zip(row_labels, tops)
              for k, line in enumerate(label.split('\n'))]
    return TileGrid(draw_texts(canvas, texts), boxes)
