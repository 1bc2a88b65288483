"""Pure tensor functions of the ReID evaluation (no MMEngine state)."""
from .distances import (DISTANCE_METRICS, DistanceRows, check_channels,
                        check_features, check_labels, pairwise_distance)
from .per_query import per_query_results
from .ranking import (CMC_RANKS, RankingStats, default_chunk_size,
                      rank_queries, ranking_stats, summarize_ranking)
from .ranking_options import RERANK_MODES, RankingOptions
from .reference import reference_ranking
from .reference_rerank import reference_zhong_rerank
from .rerank import k_reciprocal_distance

__all__ = [
    'DISTANCE_METRICS', 'DistanceRows', 'check_channels', 'check_features',
    'check_labels', 'pairwise_distance', 'per_query_results', 'CMC_RANKS',
    'RankingStats', 'default_chunk_size', 'rank_queries', 'ranking_stats',
    'summarize_ranking', 'RERANK_MODES', 'RankingOptions',
    'reference_ranking', 'reference_zhong_rerank', 'k_reciprocal_distance'
]
