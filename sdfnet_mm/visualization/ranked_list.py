"""A ranked list as one picture: the query chip, then its top-k gallery chips.

Each chip is scaled to a common height (aspect ratio kept; HOSS chips are
tall and thin) and centred in a tile of at least ``MIN_TILE_WIDTH`` pixels,
under a label of ``LABEL_LINES`` lines (rank, distance, modality,
identity). A gallery chip is framed green when its identity is the
query's, red when it is another (distractors included), and not at all when
either identity is unknown. SAR chips are shown with the dB stretch
(``sar_to_rgb(..., 'log')``) whatever conversion the model uses.

Layout, in pixels, for a query and ``k`` gallery chips of scaled widths
``w_i``: tile width ``max(w_i + 2 * FRAME, MIN_TILE_WIDTH)``; picture height
``2 * MARGIN + LABEL_LINES * LINE_HEIGHT + height + 2 * FRAME``; picture
width ``2 * MARGIN + sum(tile widths) + QUERY_GAP + (k - 1) * MARGIN``
(``2 * MARGIN`` plus the query tile when ``k = 0``).
"""
from typing import NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np

from sdfnet_mm.chips import read_chip_rgb
from sdfnet_mm.structures import MODALITY_NAMES, PerQueryResult
from .canvas import BACKGROUND, LINE_HEIGHT, draw_texts, scale_to_height

#: RGB colours of the frames.
MATCH_COLOUR = (0, 160, 0)
MISMATCH_COLOUR = (220, 0, 0)
#: Layout sizes in pixels (see the module docstring).
FRAME = 3
MIN_TILE_WIDTH = 56
LABEL_LINES = 4
MARGIN = 4
QUERY_GAP = 16

class Chip(NamedTuple):
    """A chip to show.

    Attributes:
        path (str): The chip file.
        modality (int): 0 optical, 1 SAR.
        identity (int, optional): Ship id, -1 for a distractor, None when
            unknown.
        sar_scale (str, optional): Scale of a SAR chip that is not a HOSS
            chip (see :func:`sdfnet_mm.chips.read_chip_rgb`).
        optical_bands (str | tuple, optional): R, G, B bands of a
            multi-band optical chip that is not a HOSS chip.
    """
    path: str
    modality: int
    identity: Optional[int] = None
    sar_scale: Optional[str] = None
    optical_bands: Optional[Union[str, Tuple[int, int, int]]] = None


def read_display_chip(chip: Chip) -> np.ndarray:
    """The chip as (H, W, 3) uint8 RGB; SAR with the dB stretch."""
    return read_chip_rgb(chip.path, chip.modality, sar_method='log',
                         sar_scale=chip.sar_scale,
                         optical_bands=chip.optical_bands)


def _identity_text(identity: Optional[int]) -> str:
    if identity is None:
        return 'id ?'
    return 'distractor' if identity < 0 else f'id {identity}'


def _frame_colour(query: Chip, item: Chip) -> Optional[Tuple[int, ...]]:
    """Green (same id), red (other id) or None (an id is unknown)."""
    if query.identity is None or query.identity < 0 \
            or item.identity is None:
        return None
    return MATCH_COLOUR if item.identity == query.identity \
        else MISMATCH_COLOUR


def draw_ranked_list(query: Chip,
                     gallery: Sequence[Chip],
                     distances: Sequence[float],
                     height: int = 128) -> np.ndarray:
    """Draw the query and its ranked gallery chips side by side.

    Args:
        query (Chip): The query chip.
        gallery (Sequence[Chip]): The top-k gallery chips, nearest first.
        distances (Sequence[float]): Their distances to the query (k,).
        height (int): Chip height in the picture. Defaults to 128.

    Returns:
        np.ndarray: (H, W, 3) uint8 RGB picture (sizes in the module
        docstring).
    """
    if len(distances) != len(gallery):
        raise ValueError(f'{len(distances)} distances for {len(gallery)} '
                         'gallery chips; expected one per chip')
    if height < 1:
        raise ValueError(f'height={height}; expected >= 1')
    tiles = [(query, None, ['query', MODALITY_NAMES[query.modality],
                            _identity_text(query.identity)])]
    for rank, (item, distance) in enumerate(zip(gallery, distances), 1):
        tiles.append((item, _frame_colour(query, item), [
            f'#{rank}', f'd {distance:.3g}', MODALITY_NAMES[item.modality],
            _identity_text(item.identity)
        ]))
    chips = [scale_to_height(read_display_chip(chip), height) for chip, _, _ in tiles]
    widths = [max(c.shape[1] + 2 * FRAME, MIN_TILE_WIDTH) for c in chips]
    gaps = ([QUERY_GAP] + [MARGIN] * (len(gallery) - 1)) if gallery else []
    lefts = np.cumsum([MARGIN] + [w + g for w, g in zip(widths, gaps)])
    top = MARGIN + LABEL_LINES * LINE_HEIGHT
    canvas = np.full((top + height + 2 * FRAME + MARGIN,
                      2 * MARGIN + sum(widths) + sum(gaps), 3),
                     BACKGROUND, dtype=np.uint8)
    for (_, colour, _), chip, width, left in zip(tiles, chips, widths, lefts):
        chip_width = chip.shape[1]
        x0 = left + (width - chip_width) // 2 - FRAME
        if colour is not None:
            canvas[top:top + height + 2 * FRAME,
                   x0:x0 + chip_width + 2 * FRAME] = colour
        canvas[top + FRAME:top + FRAME + height,
               x0 + FRAME:x0 + FRAME + chip_width] = chip
    return draw_texts(canvas, [
        ((left + 1, MARGIN + line * LINE_HEIGHT), text)
        for left, (_, _, lines) in zip(lefts, tiles)
        for line, text in enumerate(lines)
    ])


def draw_query_result(result: PerQueryResult, topk: Optional[int] = None,
                      height: int = 128) -> np.ndarray:
    """:func:`draw_ranked_list` of one query of a per-query result file,
    with its first ``topk`` gallery items (all when None)."""
    items = result.topk[:topk]
    return draw_ranked_list(
        Chip(result.query, result.query_modality, result.query_id),
        [Chip(item.path, item.modality, item.id) for item in items],
        [item.distance for item in items], height)
