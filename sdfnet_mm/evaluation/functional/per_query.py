"""Per-query results of a ranking, for analysis (``tools/test.py --out``).

The entry format is the one read back by
:func:`sdfnet_mm.apis.load_per_query_results`.
"""
from typing import List, Optional, Sequence

import torch
from torch import Tensor

from .ranking import DistanceRows, RankingStats, k_reciprocal_distance

#: Queries whose (q, G) distances are computed at once for the top-k lists.
TOPK_CHUNK = 256


def gallery_neighbours(query_feats: Tensor,
                  query_ids: Tensor,
                  query_cams: Tensor,
                  gallery_feats: Tensor,
                  gallery_ids: Tensor,
                  gallery_cams: Tensor,
                  k: int,
                  metric: str = 'cosine',
                  camera_filter: bool = False,
                  rerank: bool = False,
                  k1: int = 20,
                  k2: int = 6,
                  lambda_value: float = 0.3,
                  chunk_size: Optional[int] = None):
    """The k nearest gallery items of each query, as ranked by the metric.

    Same distances and tie rule (gallery order) as
    :func:`~.ranking.ranking_stats`; camera-filtered items are left out.

    Args:
        query_feats (Tensor): (Q, C). gallery_feats (Tensor): (G, C).
        query_ids, query_cams (Tensor): (Q,). gallery_ids, gallery_cams
            (Tensor): (G,).
        k (int): list length (at most G).
        metric, camera_filter, rerank, k1, k2, lambda_value: as
            :func:`~.ranking.ranking_stats`.
        chunk_size (int, optional): queries per step (memory O(chunk_size x
            G)). Defaults to None (``TOPK_CHUNK``).

    Returns:
        tuple: ``index`` (Q, k') int64 gallery indices and ``distance``
        (Q, k') float64, nearest first, ``k' = min(k, G)`` (with
        ``camera_filter`` a row's removed items are padded as index -1), and
        ``num_matches`` (Q,) int64, the true matches of each query (after
        the camera filter).
    """
    if rerank:
        full = k_reciprocal_distance(query_feats, gallery_feats, metric, k1,
                                     k2, lambda_value)
        distance_rows = full.__getitem__
    else:
        distance_rows = DistanceRows(query_feats, gallery_feats, metric)
    k = min(k, len(gallery_feats))
    indices = [torch.zeros(0, k, dtype=torch.int64)]
    distances = [torch.zeros(0, k, dtype=torch.float64)]
    num_matches = [torch.zeros(0, dtype=torch.int64)]
    for rows in torch.arange(len(query_feats)).split(chunk_size
                                                        or TOPK_CHUNK):
        dist = distance_rows(rows).double()
        same_id = ((gallery_ids[None] == query_ids[rows][:, None])
                   & (query_ids[rows][:, None] >= 0))
        if camera_filter:
            same_cam = gallery_cams[None] == query_cams[rows][:, None]
            dist.masked_fill_(same_id & same_cam, torch.inf)
            same_id &= ~same_cam
        order = torch.sort(dist, dim=1, stable=True).indices[:, :k]
        nearest = dist.gather(1, order)
        indices.append(torch.where(torch.isinf(nearest), -1, order))
        distances.append(nearest)
        num_matches.append(same_id.sum(1))
    return torch.cat(indices), torch.cat(distances), torch.cat(num_matches)


def per_query_entries(stats: RankingStats, query_paths: Sequence[str],
                      query_ids: Tensor, query_modalities: Tensor,
                      gallery_paths: Sequence[str], gallery_ids: Tensor,
                      gallery_modalities: Tensor, top_index: Tensor,
                      top_distance: Tensor,
                      num_matches: Tensor) -> List[dict]:
    """One JSON-ready entry per query of a setting.

    Args:
        stats (RankingStats): the setting's ranking results (Q queries).
        query_paths (Sequence[str]): Q query files; ``query_ids``,
            ``query_modalities`` (Q,).
        gallery_paths (Sequence[str]): G gallery files; ``gallery_ids``,
            ``gallery_modalities`` (G,).
        top_index (Tensor): (Q, k) gallery indices (-1: none), nearest
            first; ``top_distance`` (Q, k) their distances;
            ``num_matches`` (Q,) true matches per query (see
            :func:`gallery_neighbours`).

    Returns:
        list[dict]: ``query``, ``query_id``, ``query_modality``,
        ``evaluated``, ``ap`` (0-1, None if not evaluated),
        ``first_match_rank`` (1-based, None if not evaluated),
        ``num_matches`` and ``topk`` (list of
        ``path``, ``id``, ``modality``, ``distance``).
    """
    evaluated_slot = stats.evaluated.long().cumsum(0) - 1
    entries = []
    for query in range(len(query_paths)):
        identity = int(query_ids[query])
        evaluated = bool(stats.evaluated[query])
        slot = int(evaluated_slot[query])
        topk = [
            dict(path=gallery_paths[index], id=int(gallery_ids[index]),
                 modality=int(gallery_modalities[index]),
                 distance=float(distance))
            for index, distance in zip(top_index[query].tolist(),
                                       top_distance[query].tolist())
            if index >= 0
        ]
        entries.append(
            dict(query=query_paths[query],
                 query_id=identity,
                 query_modality=int(query_modalities[query]),
                 evaluated=evaluated,
                 ap=float(stats.average_precision[slot])
                 if evaluated else None,
                 first_match_rank=int(stats.first_match_rank[slot])
                 if evaluated else None,
                 num_matches=int(num_matches[query]),
                 topk=topk))
    return entries
