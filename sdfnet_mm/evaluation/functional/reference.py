"""The simple, sort-based ranking evaluation: one stable sort per query.

Slow (O(Q G log G)) and obviously right; the tests check the counting
implementation of :mod:`.ranking` against it, the metric benchmark times it
as the lean per-query loop, and the analysis tools use it on small sets.
"""
import numpy as np
import torch

from .ranking import RankingStats


def reference_ranking(dist: np.ndarray,
                      query_ids: np.ndarray,
                      query_cams: np.ndarray,
                      gallery_ids: np.ndarray,
                      gallery_cams: np.ndarray,
                      camera_filter: bool = False,
                      topk: int = 0) -> RankingStats:
    """Per query: stable argsort of its distance row (ties in gallery
    order), Market-1501 style removal of same-id same-camera items when
    ``camera_filter`` (a distractor query, id -1, matches nothing and
    removes nothing), then AP, INP, first-match rank (and the top-k list,
    removed items last as index -1 at +inf).

    Args:
        dist (np.ndarray): (Q, G) distances.
        query_ids, query_cams (np.ndarray): (Q,) identities (-1:
            distractor) and cameras (here: modalities).
        gallery_ids, gallery_cams (np.ndarray): (G,) likewise.
        camera_filter (bool): Remove same-id same-camera gallery items.
        topk (int): Top-k list length (0: none).

    Returns:
        RankingStats: as :func:`~.ranking.rank_queries` returns it.
    """
    dist = np.asarray(dist, dtype=np.float64)
    query_ids, query_cams = np.asarray(query_ids), np.asarray(query_cams)
    gallery_ids = np.asarray(gallery_ids)
    gallery_cams = np.asarray(gallery_cams)
    aps, inps, firsts, evaluated, matches = [], [], [], [], []
    top_index, top_distance = [], []
    for row, (pid, cam) in enumerate(zip(query_ids, query_cams)):
        same_id = (gallery_ids == pid) & (pid >= 0)
        removed = (same_id & (gallery_cams == cam) if camera_filter else
                   np.zeros(len(gallery_ids), bool))
        row_dist = np.where(removed, np.inf, dist[row])
        order = np.argsort(row_dist, kind='stable')
        top = order[:topk]
        top_index.append(np.where(removed[top], -1, top))
        top_distance.append(row_dist[top])
        kept = order[~removed[order]]
        is_match = same_id[kept]
        matches.append(int(is_match.sum()))
        evaluated.append(bool(is_match.any()))
        if not is_match.any():
            continue
        ranks = np.flatnonzero(is_match) + 1
        aps.append(np.mean(np.arange(1, len(ranks) + 1) / ranks))
        inps.append(len(ranks) / ranks[-1])
        firsts.append(ranks[0])
    return RankingStats(
        torch.tensor(aps, dtype=torch.float64),
        torch.tensor(inps, dtype=torch.float64),
        torch.tensor(firsts, dtype=torch.int64),
        torch.tensor(evaluated, dtype=torch.bool),
        torch.tensor(matches, dtype=torch.int64),
        torch.from_numpy(np.stack(top_index)) if topk else None,
        torch.from_numpy(np.stack(top_distance)) if topk else None)
