"""Pictures of ReID results."""
from .ranked_list import (Chip, draw_query_result, draw_ranked_list,
                          read_display_chip, save_ranked_list)

__all__ = ['Chip', 'draw_query_result', 'draw_ranked_list',
           'read_display_chip', 'save_ranked_list']
