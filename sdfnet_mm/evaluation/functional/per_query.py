"""Per-query results of a ranking, for analysis (``tools/test.py --out``)."""
from typing import List, Sequence

from torch import Tensor

from sdfnet_mm.structures.per_query_result import PerQueryResult, RankedItem
from .ranking import RankingStats


def per_query_results(stats: RankingStats, query_paths: Sequence[str],
                      query_ids: Tensor, query_modalities: Tensor,
                      gallery_paths: Sequence[str], gallery_ids: Tensor,
                      gallery_modalities: Tensor) -> List[PerQueryResult]:
    """One :class:`PerQueryResult` per query, from a ranking with top-k
    lists (``stats.topk_index`` set).

    Args:
        stats (RankingStats): the ranking of the Q queries.
        query_paths (Sequence[str]): Q query files; ``query_ids``,
            ``query_modalities`` (Q,).
        gallery_paths (Sequence[str]): G gallery files; ``gallery_ids``,
            ``gallery_modalities`` (G,).
    """
    if stats.topk_index is None:
        raise ValueError('per_query_results needs the top-k lists: rank '
                         'with topk >= 1')
    evaluated_slot = stats.evaluated.long().cumsum(0) - 1
    results = []
    for query in range(len(query_paths)):
        evaluated = bool(stats.evaluated[query])
        slot = int(evaluated_slot[query])
        topk = tuple(
            RankedItem(gallery_paths[index], int(gallery_ids[index]),
                       int(gallery_modalities[index]), float(distance))
            for index, distance in zip(stats.topk_index[query].tolist(),
                                       stats.topk_distance[query].tolist())
            if index >= 0)
        results.append(
            PerQueryResult(
                query=query_paths[query],
                query_id=int(query_ids[query]),
                query_modality=int(query_modalities[query]),
                evaluated=evaluated,
                ap=float(stats.average_precision[slot])
                if evaluated else None,
                first_match_rank=int(stats.first_match_rank[slot])
                if evaluated else None,
                num_matches=int(stats.num_matches[query]),
                topk=topk))
    return results
