"""Zhong et al.'s ``re_ranking`` script, the one ReID papers report with,
as a plain per-item loop with Python sets (NumPy): slow and obviously
faithful. Written from the script's description (not from the library's
vectorised :func:`~.rerank.k_reciprocal_distance`), it is the reference of
the tests and of ``benchmarks/bench_rerank.py``.

The script, as shipped by reid-strong-baseline, TransReID and the SDF-Net /
HOSS authors (``utils/reranking.py``, called by their ``R1_mAP_eval`` on
L2-normalised features with k1=50, k2=15, lambda=0.3):

1. ``d``: squared Euclidean distances of all queries and gallery items
   (``|a|^2 + |b|^2 - 2 a.b``, queries first; query-query pairs included);
2. ``d <- transpose(d / column maxima)``; every later step uses this ``d``;
3. ranking of each row by ``d`` (itself first, at distance about 0);
4. ``R(x, k)``: the items y among the ``k + 1`` first of x's ranking that
   have x among their own ``k + 1`` first;
5. ``R*(x)``: ``R(x, k1)`` plus every ``R(y, round(k1 / 2))`` of a
   ``y in R(x, k1)`` with strictly more than 2/3 of its items in
   ``R(x, k1)``;
6. ``V[x, R*(x)] = w / sum(w)``, ``w = exp(-d[x, R*(x)])``;
7. unless ``k2 == 1``: ``V[x] <-`` mean of ``V`` over the ``k2`` first
   items of x's ranking;
8. for each query p and item g: ``s = sum_j min(V[p, j], V[g, j])``
   (accumulated over p's non-zero columns j in increasing order),
   ``d_J = 1 - s / (2 - s)``;
9. ``(1 - lambda) d_J + lambda d``, query rows and gallery columns.

The authors' copy stores ``V`` and ``d_J`` in float16 (``storage=
np.float16`` reproduces that: the expansion's mean with NumPy's float32
intermediate, the sums of step 8 in float16); Zhong's original and
torchreid keep float32.
"""
import numpy as np


def reference_zhong_rerank(query: np.ndarray,
                           gallery: np.ndarray,
                           k1: int = 20,
                           k2: int = 6,
                           lambda_value: float = 0.3,
                           normalize: bool = True,
                           storage=None) -> np.ndarray:
    """The script's re-ranked distances (see the module docstring).

    Args:
        query (np.ndarray): (Q, C) features.
        gallery (np.ndarray): (G, C) features.
        k1, k2, lambda_value: the script's parameters.
        normalize (bool): L2-normalise the features first (the authors'
            ``feat_norm``; the library's ``metric='cosine'``), else the
            raw features (``metric='euclidean'``).
        storage: dtype of ``V`` and ``d_J`` (default: the features').

    Returns:
        np.ndarray: (Q, G) distances, in the features' dtype.
    """
    feats = np.concatenate([query, gallery])
    if normalize:
        feats = feats / np.linalg.norm(feats, axis=1, keepdims=True)
    dtype = feats.dtype
    storage = dtype if storage is None else storage
    num_query, num_items = len(query), len(feats)
    square = (feats**2).sum(1)
    dist = square[:, None] + square[None, :] - 2 * feats @ feats.T
    dist = (dist / dist.max(axis=0)).T
    rank = np.argsort(dist, axis=1, kind='stable')
    half = int(round(k1 / 2))
    first = {k: [set(rank[x, :k + 1].tolist()) for x in range(num_items)]
             for k in (k1, half)}

    def reciprocal(x: int, k: int) -> set:
        return {y for y in first[k][x] if x in first[k][y]}

    code = np.zeros((num_items, num_items), dtype=storage)
    for x in range(num_items):
        r_x = reciprocal(x, k1)
        r_star = set(r_x)
        for y in r_x:
            r_y = reciprocal(y, half)
            if len(r_y & r_x) > 2 / 3 * len(r_y):
                r_star |= r_y
        members = sorted(r_star)
        weight = np.exp(-dist[x, members])
        code[x, members] = weight / weight.sum()
    if k2 != 1:
        code = np.stack([
            np.mean(code[rank[x, :k2]], axis=0) for x in range(num_items)
        ]).astype(storage)
    jaccard = np.zeros((num_query, num_items), dtype=storage)
    for p in range(num_query):
        shared = np.zeros(num_items, dtype=storage)
        for j in np.flatnonzero(code[p]):
            shared = shared + np.minimum(code[p, j], code[:, j])
        jaccard[p] = 1 - shared / (2 - shared)
    final = jaccard * (1 - lambda_value) + dist[:num_query] * lambda_value
    return final[:, num_query:].astype(dtype)
