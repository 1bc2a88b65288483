"""k-reciprocal re-ranking (Zhong et al., CVPR 2017) of query-gallery
distances, as the widely used script computes it (default) or as the paper
states it."""
import math

import torch
from torch import Tensor

from .distances import pairwise_distance
from .ranking_options import RankingOptions


def k_reciprocal_distance(query_feats: Tensor, gallery_feats: Tensor,
                          options: RankingOptions) -> Tensor:
    """k-reciprocal re-ranking distance (Zhong et al., CVPR 2017).

    With ``k1``, ``k2``, ``lambda_value`` and the distance ``d`` of
    ``metric`` from ``options``, on the union U of queries and gallery
    (N = Q + G items, queries first; query-query pairs take part like any
    other):

    - ``N(x, k)``: the ``k + 1`` first items of x's ranking (x itself
      included);
    - ``R(x, k) = {y in N(x, k) : x in N(y, k)}``;
    - ``R*(x) = R(x, k1)`` united with every ``R(y, round(k1 / 2))``,
      ``y in R(x, k1)``, that shares more than (``'zhong'``) or at least
      (``'paper'``) 2/3 of its items with ``R(x, k1)``;
    - ``V[x, y] = exp(-d'(x, y))`` for ``y in R*(x)``, else 0;
    - local query expansion: ``V[x]`` becomes the mean of ``V[y]`` over the
      ``k2`` first items of x's ranking (x included; none when ``k2 = 1``);
    - Jaccard distance ``d_J(p, g) = 1 - s / u`` with ``s = sum_j min(V[p,
      j], V[g, j])``;
    - result ``(1 - lambda_value) d_J + lambda_value d'``.

    ``rerank_mode='zhong'`` (default) is the script everyone reports with
    (Zhong et al.'s ``re_ranking``, as shipped by reid-strong-baseline,
    TransReID, the SDF-Net / HOSS authors' ``utils/reranking.py``, torchreid
    and fast-reid): ``d' = transpose(d / max over each column)``, i.e. row x
    of ``d`` divided by its largest entry (``d`` is symmetric); the ranking
    by ``d'`` as is (ties by index); rows of ``V`` scaled to sum 1 before
    the expansion; ``u = 2 - s`` (the union of two rows summing to 1).
    ``d`` is the library's distance: ``'cosine'`` (``1 - cos``) ranks and
    scales like the script's squared Euclidean distance of L2-normalised
    features (``2 - 2 cos``; the factor 2 cancels in ``d'``), which is what
    the authors' evaluation feeds it; ``'euclidean'`` is the script on raw
    features. Computed in float32 (float64 for float64 features) like
    Zhong's original and torchreid; the authors' copy stores ``V`` and
    ``d_J`` in float16 (their distances differ by up to about 1e-3).

    ``rerank_mode='paper'``: the paper's formulas as written: ``d' = d``,
    each item first in its own ranking, ``V`` unnormalised, ``u = sum_j
    max(V[p, j], V[g, j])``, at least 2/3.

    Memory: O(N^2) (the (N, N) distances, their ranking and the (N, N)
    encodings ``V``), plus O(G x K) per query for the Jaccard step with K
    the largest support of a row of ``V``. Meant for HOSS-sized test sets
    (N about 800), not for 100k galleries.

    Args:
        query_feats (Tensor): (Q, C) features.
        gallery_feats (Tensor): (G, C) features.
        options (RankingOptions): ``metric``, ``rerank_mode``, ``k1``
            (size of the k-reciprocal neighbourhoods), ``k2`` (size of the
            query expansion) and ``lambda_value`` (weight of the original
            distance).

    Returns:
        Tensor: (Q, G) re-ranked distances.
    """
    zhong = options.rerank_mode == 'zhong'
    num_query = len(query_feats)
    feats = torch.cat([query_feats, gallery_feats])
    dist = pairwise_distance(feats, feats, options.metric)
    if zhong:
        scale = dist.max(dim=0).values
        # all-zero column (identical features): 0 / tiny = 0, not NaN
        scale.clamp_(min=torch.finfo(dist.dtype).tiny)
        dist = (dist / scale).t().contiguous()
        order = torch.sort(dist, dim=1, stable=True).indices
    else:
        order = torch.sort(dist.clone().fill_diagonal_(-math.inf), dim=1,
                           stable=True).indices
    in_r_star = _expanded_reciprocal(order, options.k1, strict=zhong)
    encoding = torch.where(in_r_star, torch.exp(-dist), 0)
    del in_r_star
    if zhong:
        encoding /= encoding.sum(1, keepdim=True)
    encoding = _query_expansion(encoding, order, options.k2)
    del order

    query_code, gallery_code = encoding[:num_query], encoding[num_query:]
    overlap = _min_overlap(query_code, gallery_code)
    if zhong:
        union = 2 - overlap
    else:
        union = query_code.sum(1, keepdim=True) + gallery_code.sum(1) - overlap
    jaccard = 1 - overlap / union
    lambda_value = options.lambda_value
    return (1 - lambda_value) * jaccard + lambda_value * dist[:num_query,
                                                               num_query:]


def _expanded_reciprocal(order: Tensor, k1: int, strict: bool) -> Tensor:
    """(N, N) bool: ``y in R*(x)``.

    Args:
        order (Tensor): (N, N) each item's ranking (column 0 nearest).
        k1 (int): neighbourhood size.
        strict (bool): a half-size set joins when more than 2/3 (True) or
            at least 2/3 (False) of it lies in ``R(x, k1)``.
    """
    num_items = len(order)

    def reciprocal(k: int):
        """(N, N) bool of ``R(x, k)`` and the (N, k+1) ``N(x, k)``."""
        neighbours = order[:, :k + 1]
        member = torch.zeros(num_items, num_items, dtype=torch.bool)
        member.scatter_(1, neighbours, True)
        return member & member.t(), neighbours

    in_r, neighbours = reciprocal(k1)
    in_r_half, neighbours_half = reciprocal(int(round(k1 / 2)))
    half_valid = in_r_half.gather(1, neighbours_half)  # (N, h+1)
    candidate_valid = in_r.gather(1, neighbours)  # (N, k1+1)
    candidate_sets = neighbours_half[neighbours]  # (N, k1+1, h+1)
    candidate_set_valid = half_valid[neighbours]
    shared = in_r.gather(1, candidate_sets.flatten(1)).view_as(
        candidate_sets) & candidate_set_valid
    shared_3, size_2 = 3 * shared.sum(-1), 2 * candidate_set_valid.sum(-1)
    expands = candidate_valid & (shared_3 > size_2 if strict else
                                 shared_3 >= size_2)
    added = candidate_set_valid & expands[..., None]
    itself = torch.arange(num_items)[:, None, None].expand_as(candidate_sets)
    return in_r.scatter(1,
                        torch.where(added, candidate_sets,
                                    itself).flatten(1), True)


def _query_expansion(encoding: Tensor, order: Tensor, k2: int) -> Tensor:
    """Each row of ``encoding`` (N, N) replaced by the mean of the rows of
    its ``k2`` first ranked items (unchanged for ``k2 = 1``)."""
    expansion = min(k2, len(encoding))
    if expansion <= 1:
        return encoding
    expanded = torch.zeros_like(encoding)
    for column in range(expansion):
        expanded += encoding[order[:, column]]
    return expanded / expansion


def _min_overlap(query_code: Tensor, gallery_code: Tensor) -> Tensor:
    """(Q, G) ``sum_j min(query_code[p, j], gallery_code[g, j])`` of
    non-negative (Q, N) and (G, N) codes.

    Only a query's support contributes; rows in steps of (G, rows, K)
    entries (K the largest support), at most N^2.
    """
    num_query, num_items = query_code.shape
    support = query_code > 0
    width = int(support.sum(1).max()) if num_query else 0
    # Each query's support, padded with zero weights.
    support_index = torch.sort(
        (~support).to(torch.uint8), dim=1, stable=True).indices[:, :width]
    support_weight = query_code.gather(1, support_index)
    step = max(1, num_items**2 // max(1, len(gallery_code) * width))
    overlap = torch.empty(num_query, len(gallery_code),
                          dtype=query_code.dtype)
    for start in range(0, num_query, step):
        index = support_index[start:start + step]
        weight = support_weight[start:start + step]
        overlap[start:start + step] = torch.minimum(gallery_code[:, index],
                                                    weight).sum(-1).t()
    return overlap
