"""Pictures of ReID results."""
from .ranked_list import (Chip, draw_query_result, draw_ranked_list,
                          read_display_chip, save_ranked_list)
from .ranked_list_files import record_chip, result_chips, write_ranked_lists

__all__ = ['Chip', 'draw_query_result', 'draw_ranked_list',
           'read_display_chip', 'save_ranked_list', 'record_chip',
           'result_chips', 'write_ranked_lists']
