"""ReID evaluation: the :class:`ReIDMetric` and its tensor functions."""
from .functional import (CMC_RANKS, DISTANCE_METRICS, DistanceRows,
                         RankingStats, Workspace, check_features,
                         default_chunk_size, gallery_neighbours,
                         k_reciprocal_distance, per_query_entries,
                         match_ranks, pairwise_distance, rank_queries,
                         ranking_stats, summarize_ranking)
from .metrics import ReIDMetric
from .results_table import format_results_table

__all__ = [
    'CMC_RANKS', 'DISTANCE_METRICS', 'DistanceRows', 'RankingStats',
    'ReIDMetric', 'Workspace', 'check_features', 'default_chunk_size',
    'format_results_table', 'gallery_neighbours', 'k_reciprocal_distance',
    'per_query_entries', 'match_ranks', 'pairwise_distance',
    'rank_queries', 'ranking_stats', 'summarize_ranking'
]
