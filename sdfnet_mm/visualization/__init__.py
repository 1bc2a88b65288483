"""Pictures: ranked lists, tile grids, heat maps over chips."""
from .canvas import save_picture, scale_to_height
from .heatmap import heatmap_overlay, normalise_heat
from .ranked_list import (Chip, draw_query_result, draw_ranked_list,
                          read_display_chip)
from .ranked_list_files import record_chip, result_chips, write_ranked_lists
from .tile_grid import TileGrid, draw_tile_grid

__all__ = ['Chip', 'TileGrid', 'draw_query_result', 'draw_ranked_list',
           'draw_tile_grid', 'heatmap_overlay', 'normalise_heat',
           'read_display_chip', 'record_chip', 'result_chips', 'save_picture',
           'scale_to_height', 'write_ranked_lists']
