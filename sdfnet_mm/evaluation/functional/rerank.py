"""k-reciprocal re-ranking (Zhong et al., CVPR 2017) of query-gallery
distances."""
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
    (N = Q + G items), and ``N(x, k)`` the item ``x`` itself plus
    its ``k`` nearest other items (stable order, ties by index):

    - ``R(x, k) = {y in N(x, k) : x in N(y, k)}``;
    - ``R*(x) = R(x, k1)`` united with every ``R(y, round(k1 / 2))``,
      ``y in R(x, k1)``, that shares at least 2/3 of its items with
      ``R(x, k1)``;
    - ``V[x, y] = exp(-d(x, y))`` for ``y in R*(x)``, else 0;
    - local query expansion: ``V[x]`` becomes the mean of ``V[y]`` over the
      ``k2`` first items of x's ranking (x included; none when ``k2 = 1``);
    - Jaccard distance ``d_J(p, g) = 1 - sum_j min(V[p, j], V[g, j]) /
      sum_j max(V[p, j], V[g, j])``;
    - result ``(1 - lambda_value) d_J + lambda_value d``.

    As in the paper, ``d`` is used as is and ``V`` is not normalised; the
    widely used script instead divides ``d`` by each column's maximum,
    normalises each row of ``V`` to sum 1 and needs more than 2/3, so its
    numbers differ slightly.

    Memory: O(N^2) (the (N, N) distances, their ranking and the (N, N)
    encodings ``V``), plus O(G x K) per query for the Jaccard step with K
    the largest support of a row of ``V``. Meant for HOSS-sized test sets
    (N about 800), not for 100k galleries.

    Args:
        query_feats (Tensor): (Q, C) features.
        gallery_feats (Tensor): (G, C) features.
        options (RankingOptions): ``metric``, ``k1`` (size of the
            k-reciprocal neighbourhoods), ``k2`` (size of the query
            expansion) and ``lambda_value`` (weight of the original
            distance).

    Returns:
        Tensor: (Q, G) re-ranked distances.
    """
    k1, k2, lambda_value = options.k1, options.k2, options.lambda_value
    num_query = len(query_feats)
    feats = torch.cat([query_feats, gallery_feats])
    dist = pairwise_distance(feats, feats, options.metric)
    num_items = len(feats)
    self_first = dist.clone().fill_diagonal_(-math.inf)
    order = torch.sort(self_first, dim=1, stable=True).indices
    del self_first

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
    expands = candidate_valid & (
        3 * shared.sum(-1) >= 2 * candidate_set_valid.sum(-1))
    added = candidate_set_valid & expands[..., None]
    itself = torch.arange(num_items)[:, None, None].expand_as(candidate_sets)
    in_r_star = in_r.scatter(1,
                             torch.where(added, candidate_sets,
                                         itself).flatten(1), True)
    encoding = torch.where(in_r_star, torch.exp(-dist), 0)
    del in_r, in_r_half, in_r_star

    expansion = min(k2, num_items)
    if expansion > 1:
        expanded = torch.zeros_like(encoding)
        for column in range(expansion):
            expanded += encoding[order[:, column]]
        encoding = expanded / expansion
    del order

    query_code, gallery_code = encoding[:num_query], encoding[num_query:]
    gallery_mass = gallery_code.sum(1)
    support = query_code > 0
    width = int(support.sum(1).max()) if num_query else 0
    # Each query's support, padded with zero weights.
    support_index = torch.sort(
        (~support).to(torch.uint8), dim=1, stable=True).indices[:, :width]
    support_weight = query_code.gather(1, support_index)
    # Only a query's support contributes to sum_j min(V[p, j], V[g, j]);
    # rows in steps of (G, rows, K) entries, at most N^2.
    step = max(1, num_items**2 // max(1, len(gallery_code) * width))
    jaccard = torch.empty(num_query, len(gallery_code), dtype=dist.dtype)
    for start in range(0, num_query, step):
        index = support_index[start:start + step]
        weight = support_weight[start:start + step]
        overlap = torch.minimum(gallery_code[:, index],
                                weight).sum(-1).t()  # (rows, G)
        union = weight.sum(1, keepdim=True) + gallery_mass - overlap
        jaccard[start:start + step] = 1 - overlap / union
    original = dist[:num_query, num_query:]
    return (1 - lambda_value) * jaccard + lambda_value * original
