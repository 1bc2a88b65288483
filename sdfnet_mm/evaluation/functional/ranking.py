"""Re-identification ranking metrics: the public entry points.

Protocol (``docs/method.md`` §2): every gallery item is ranked by ascending
distance to the query, ties in gallery order (a *stable* sort of the
query's distance row); distractors (id -1) stay in the gallery and are never
a match; a query without a true match in the gallery is skipped and
counted. With ``camera_filter`` (Market-1501 style) gallery items of the
query's id *and* camera are removed from its ranking.

For one query with ``m`` true matches at (1-based) ranks ``r_1 < ... < r_m``:

- AP = ``mean_i (i / r_i)`` (mean precision at each true match);
- CMC Rank-k = 1 when ``r_1 <= k``;
- INP = ``m / r_m`` (Ye et al., TPAMI 2021; mINP is its mean).

The ranks are counted, not sorted (:mod:`._counting`); one pass over the
query chunks also gives each query's top-k gallery list when asked, so the
per-query results need no second computation of the distances.
"""
import math
from typing import Callable, Dict, NamedTuple, Optional, Sequence, Tuple

import torch
from torch import Tensor

from ._counting import IdentityIndex, Workspace, compact_rows, left_pack, \
    match_ranks
from .distances import DistanceRows, check_channels, check_features, \
    check_labels
from .ranking_options import RankingOptions
from .rerank import k_reciprocal_distance

#: The CMC ranks reported.
CMC_RANKS = (1, 5, 10)
#: Default distances computed at once: ``chunk_size * G`` about this many.
CHUNK_ELEMENTS = 1 << 24
#: Distances ranked at once (rows of a chunk): about this many.
RANK_ELEMENTS = 1 << 21


class RankingStats(NamedTuple):
    """Per-query results of a ranking evaluation.

    Attributes:
        average_precision (Tensor): (E,) float64, AP of each evaluated query.
        inverse_negative_penalty (Tensor): (E,) float64, INP of each
            evaluated query.
        first_match_rank (Tensor): (E,) int64, 1-based rank of the first
            true match.
        evaluated (Tensor): (Q,) bool, the queries with at least one true
            match (E of them); the others are skipped.
        num_matches (Tensor): (Q,) int64, true matches of each query (after
            the camera filter).
        topk_index (Tensor, optional): (Q, k) int64 gallery indices, nearest
            first (-1 where the camera filter removed the item); None unless
            a top-k list was asked for.
        topk_distance (Tensor, optional): (Q, k) their distances.
    """
    average_precision: Tensor
    inverse_negative_penalty: Tensor
    first_match_rank: Tensor
    evaluated: Tensor
    num_matches: Tensor
    topk_index: Optional[Tensor] = None
    topk_distance: Optional[Tensor] = None


def default_chunk_size(num_gallery: int) -> int:
    """Queries per chunk so that a chunk holds about ``CHUNK_ELEMENTS``
    distances."""
    return max(1, CHUNK_ELEMENTS // max(1, num_gallery))


def nearest_items(dist: Tensor, k: int) -> Tuple[Tensor, Tensor]:
    """The ``k`` nearest gallery items of each row, ties in gallery order.

    Only the items not farther than the row's k-th smallest distance are
    sorted, so a row costs O(G) plus a sort of about k items.

    Args:
        dist (Tensor): (q, G) distances (+inf: removed items).
        k (int): list length, 1 <= k <= G.

    Returns:
        tuple: ``index`` (q, k) int64, -1 for removed (+inf) items, and
        ``distance`` (q, k), nearest first.
    """
    kth = torch.topk(dist, k, dim=1, largest=False).values.amax(
        1, keepdim=True)
    candidate = dist <= kth
    # compact_rows keeps each row's candidates in gallery order, so the
    # stable sort orders equal distances by gallery index.
    values, columns = compact_rows(dist, candidate, candidate.sum(1))
    order = torch.sort(values, dim=1, stable=True).indices[:, :k]
    distance = values.gather(1, order)
    index = columns.gather(1, order)
    return index.masked_fill_(torch.isinf(distance), -1), distance


def rank_queries(distance_rows: Callable[[Tensor], Tensor],
                 query_ids: Tensor,
                 query_cams: Tensor,
                 gallery_ids: Tensor,
                 gallery_cams: Tensor,
                 camera_filter: bool = False,
                 chunk_size: Optional[int] = None,
                 topk: int = 0) -> RankingStats:
    """AP, INP, first-match rank (and top-k lists) of every query, in query
    chunks.

    Each chunk's (q, G) distances are computed at once (a large matrix
    product is fast) and ranked by :func:`~._counting.match_ranks` in steps
    of about ``RANK_ELEMENTS`` entries (small steps stay in cache).

    Memory: O(chunk_size x G) floats for a chunk's distances plus
    O(RANK_ELEMENTS) for a ranking step (13 bytes an entry: a binned copy,
    int64 bins and a mask; at most twice that when the step is compacted),
    plus O(Q x (1 + topk)) results; the (Q, G) matrix is never built. By
    default a chunk holds about ``CHUNK_ELEMENTS`` distances (16M: 64 MB in
    float32) and a step about ``RANK_ELEMENTS`` (2M: 26 to 52 MB), so about
    120 MB whatever Q and G, besides the prepared features.

    Args:
        distance_rows (Callable): maps a (q,) int64 tensor of query indices
            to their (q, G) distances, e.g. a :class:`DistanceRows`.
        query_ids (Tensor): (Q,) identities, -1 for distractors.
        query_cams (Tensor): (Q,) camera (here: modality) of each query.
        gallery_ids (Tensor): (G,) identities, -1 for distractors.
        gallery_cams (Tensor): (G,) camera of each gallery item.
        camera_filter (bool): Remove gallery items of the query's id and
            camera from its ranking. Defaults to False.
        chunk_size (int, optional): Queries per chunk. Defaults to None
            (:func:`default_chunk_size`).
        topk (int): Also list each query's ``min(topk, G)`` nearest gallery
            items (0: none). Defaults to 0.

    Returns:
        RankingStats: per-query results.
    """
    num_query, num_gallery = len(query_ids), len(gallery_ids)
    if num_gallery == 0:
        raise ValueError('empty gallery: expected at least one gallery item')
    chunk_size = chunk_size or default_chunk_size(num_gallery)
    topk = min(topk, num_gallery)
    step = max(1, RANK_ELEMENTS // num_gallery)
    workspace = Workspace()
    query_ids, gallery_ids = query_ids.long(), gallery_ids.long()
    identity_index = IdentityIndex(gallery_ids)
    average_precision, inverse_negative_penalty, first_match_rank = [], [], []
    evaluated = torch.zeros(num_query, dtype=torch.bool)
    num_matches = torch.zeros(num_query, dtype=torch.int64)
    top_index, top_distance = [], []
    for start in range(0, num_query, chunk_size):
        queries = torch.arange(start, min(start + chunk_size, num_query))
        same_id, same_valid = identity_index.same_identity(query_ids[queries])
        is_match = same_valid
        if camera_filter:
            is_match = same_valid & (
                gallery_cams[same_id] != query_cams[queries][:, None])
        num_matches[queries] = is_match.sum(1)
        keep = is_match.any(1)
        evaluated[queries] = keep
        if topk:
            dist = distance_rows(queries)
            row, slot = (same_valid & ~is_match).nonzero().unbind(1)
            dist[row, same_id[row, slot]] = math.inf
            index, distance = nearest_items(dist, topk)
            top_index.append(index)
            top_distance.append(distance)
        if not bool(keep.any()):
            continue
        if not topk:
            dist = distance_rows(queries[keep])
        elif not bool(keep.all()):
            dist = dist[keep]
        same_id, same_valid, is_match = same_id[keep], same_valid[keep], \
            is_match[keep]
        for rows in torch.arange(len(dist)).split(step):
            match_index, matches = left_pack(same_id[rows], is_match[rows])
            excluded_index = torch.where(same_valid[rows], same_id[rows],
                                         match_index[:, :1])
            ranks = match_ranks(dist[rows[0]:rows[-1] + 1], match_index,
                                matches, excluded_index, workspace)
            slots = torch.arange(1, ranks.shape[1] + 1, dtype=torch.float64)
            precision = torch.where(slots <= matches[:, None],
                                    slots / ranks, 0)
            average_precision.append(precision.sum(1) / matches)
            last_rank = ranks.gather(1, (matches - 1)[:, None])[:, 0]
            inverse_negative_penalty.append(matches / last_rank.double())
            first_match_rank.append(ranks[:, 0])
        del dist
    empty = torch.zeros(0, dtype=torch.float64)
    return RankingStats(
        torch.cat([empty, *average_precision]),
        torch.cat([empty, *inverse_negative_penalty]),
        torch.cat([torch.zeros(0, dtype=torch.int64), *first_match_rank]),
        evaluated, num_matches,
        torch.cat(top_index) if topk else None,
        torch.cat(top_distance) if topk else None)


def ranking_stats(query_feats: Tensor,
                  query_ids: Tensor,
                  query_cams: Tensor,
                  gallery_feats: Tensor,
                  gallery_ids: Tensor,
                  gallery_cams: Tensor,
                  options: RankingOptions = RankingOptions(),
                  topk: int = 0) -> RankingStats:
    """Per-query ranking results from features (see :func:`rank_queries`),
    the inputs checked first.

    Args:
        query_feats (Tensor): (Q, C) features.
        query_ids (Tensor): (Q,) identities, -1 for distractors.
        query_cams (Tensor): (Q,) cameras (here: modalities).
        gallery_feats (Tensor): (G, C) features.
        gallery_ids (Tensor): (G,) identities, -1 for distractors.
        gallery_cams (Tensor): (G,) cameras.
        options (RankingOptions): distance, camera filter, re-ranking and
            chunk size.
        topk (int): Top-k list length per query (0: none).

    Returns:
        RankingStats: per-query results.
    """
    check_features(query_feats, 'query_feats')
    check_features(gallery_feats, 'gallery_feats')
    num_query, num_gallery = len(query_feats), len(gallery_feats)
    if num_gallery == 0:
        raise ValueError('empty gallery: expected at least one gallery item')
    check_labels(query_ids, num_query, 'query_ids')
    check_labels(query_cams, num_query, 'query_cams')
    check_labels(gallery_ids, num_gallery, 'gallery_ids')
    check_labels(gallery_cams, num_gallery, 'gallery_cams')
    check_channels(query_feats, gallery_feats)
    if options.rerank:
        distance_rows = k_reciprocal_distance(query_feats, gallery_feats,
                                              options).__getitem__
    else:
        distance_rows = DistanceRows(query_feats, gallery_feats,
                                     options.metric)
    return rank_queries(distance_rows, query_ids, query_cams, gallery_ids,
                        gallery_cams, options.camera_filter,
                        options.chunk_size, topk)


def summarize_ranking(stats: RankingStats,
                      cmc_ranks: Sequence[int] = CMC_RANKS) -> Dict:
    """mAP, CMC and mINP (percent) over the evaluated queries.

    Returns:
        dict: ``mAP``, ``R<k>`` for each of ``cmc_ranks``, ``mINP`` (NaN
        when no query was evaluated), ``num_queries`` (evaluated) and
        ``num_skipped`` (whole numbers, as floats).
    """
    num_queries = len(stats.average_precision)
    summary = dict(mAP=math.nan)
    summary.update({f'R{k}': math.nan for k in cmc_ranks})
    summary['mINP'] = math.nan
    if num_queries:
        summary['mAP'] = float(stats.average_precision.mean()) * 100
        for k in cmc_ranks:
            hits = (stats.first_match_rank <= k).double().mean()
            summary[f'R{k}'] = float(hits) * 100
        summary['mINP'] = float(stats.inverse_negative_penalty.mean()) * 100
    # Counts as floats, like every other value: MMEngine's logger keeps
    # numpy floats in its JSON files but drops numpy integers.
    summary['num_queries'] = float(num_queries)
    summary['num_skipped'] = float(len(stats.evaluated) - num_queries)
    return summary


