"""Pure tensor functions of the ReID evaluation (no MMEngine state)."""
from .per_query import gallery_neighbours, per_query_entries
from .ranking import (CMC_RANKS, DISTANCE_METRICS, DistanceRows,
                      RankingStats, Workspace, check_features,
                      default_chunk_size, k_reciprocal_distance, match_ranks,
                      pairwise_distance, rank_queries, ranking_stats,
                      summarize_ranking)

__all__ = [
    'CMC_RANKS', 'DISTANCE_METRICS', 'DistanceRows', 'RankingStats',
    'Workspace', 'check_features', 'default_chunk_size',
    'gallery_neighbours', 'per_query_entries',
    'k_reciprocal_distance', 'match_ranks', 'pairwise_distance',
    'rank_queries', 'ranking_stats', 'summarize_ranking'
]
