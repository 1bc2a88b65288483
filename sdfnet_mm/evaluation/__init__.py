"""ReID evaluation: the :class:`ReIDMetric`, its options and the tensor
functions a user calls directly."""
from .functional import (CMC_RANKS, RankingOptions, RankingStats,
                         k_reciprocal_distance, pairwise_distance,
                         ranking_stats, reference_ranking, summarize_ranking)
from .metrics import ReIDMetric
from .results_table import format_results_table

__all__ = [
    'CMC_RANKS', 'RankingOptions', 'RankingStats', 'ReIDMetric',
    'format_results_table', 'k_reciprocal_distance', 'pairwise_distance',
    'ranking_stats', 'reference_ranking', 'summarize_ranking'
]
