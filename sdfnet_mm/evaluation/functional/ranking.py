"""Re-identification ranking metrics by counting, as pure tensor functions.

Protocol (``reference/METHOD.md`` §2): every gallery item is ranked by
ascending distance to the query; distractors (id -1) stay in the gallery and
are never a match; a query without a true match in the gallery is skipped and
counted. With ``camera_filter=True`` (Market-1501 style) gallery items of the
query's id *and* camera are removed from its ranking.

**Tie rule.** Equal distances are ordered by gallery index, i.e. the ranking
of a query is a *stable* sort of its distance row (``numpy.argsort(row,
kind='stable')``). Every function here follows this rule exactly.

**Counting instead of sorting.** Only the ranks of a query's true matches
matter: the rank of a match is one plus the number of kept gallery items
ordered before it. For a step of queries the matches' distances are sorted
(a few per query) and every distance ``d`` of the row gets the bin
``trunc(min((d - low) * scale, num_bins))``. Subtraction and multiplication
by a positive constant are correctly rounded, hence monotone, so a lower bin
never holds a larger distance: a per-row histogram gives, for each match,
the kept items of lower bins exactly, and only the items sharing a bin with
a match are compared one by one (distance, then gallery index). Nothing of
size G is sorted and the counts are exact, ties included (proved against a
per-query loop in ``tests/test_evaluation``). When few distances lie below
a query's last match (a good model), they are compacted first and only they
are binned.

For one query with ``m`` true matches at (1-based) ranks ``r_1 < ... < r_m``:

- AP = ``mean_i (i / r_i)`` (mean precision at each true match);
- CMC Rank-k = 1 when ``r_1 <= k``;
- INP = ``m / r_m`` (Ye et al., TPAMI 2021; mINP is its mean).
"""
import math
from typing import Callable, Dict, NamedTuple, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

#: Distances offered: ``'cosine'`` is ``1 - cos`` (features L2-normalised
#: first), ``'euclidean'`` is the squared Euclidean distance of the raw
#: features (the same ranking as the Euclidean distance).
DISTANCE_METRICS = ('cosine', 'euclidean')
#: The CMC ranks reported.
CMC_RANKS = (1, 5, 10)
#: Default distances computed at once: ``chunk_size * G`` about this many.
CHUNK_ELEMENTS = 1 << 24
#: Distances ranked at once (rows of a chunk): about this many.
RANK_ELEMENTS = 1 << 21
#: Mean number of gallery items per distance bin (sets the bin count).
ITEMS_PER_BIN = 8
#: Bin count bounds, whatever the gallery size.
MIN_BINS, MAX_BINS = 64, 1 << 16
#: Compact a step's distances when at most 1 / SPARSE_RATIO of them (in the
#: first 1 / SAMPLE_DIVISOR of the gallery) and of each row can precede
#: their query's last match.
SPARSE_RATIO = 8
SAMPLE_DIVISOR = 16


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
    """
    average_precision: Tensor
    inverse_negative_penalty: Tensor
    first_match_rank: Tensor
    evaluated: Tensor


def check_features(feats: Tensor, name: str) -> None:
    """Raise ``ValueError`` naming ``name`` unless ``feats`` is a finite
    floating (N, C) tensor."""
    if not isinstance(feats, Tensor) or feats.dim() != 2:
        shape = tuple(feats.shape) if isinstance(feats, Tensor) else type(
            feats).__name__
        raise ValueError(f'{name}: expected a (N, C) tensor, got {shape}')
    if not feats.is_floating_point():
        raise ValueError(
            f'{name}: expected a floating tensor, got {feats.dtype}')
    # A row sum is finite unless the row holds NaN / inf (or overflows).
    suspect = (~torch.isfinite(feats.sum(dim=1))).nonzero().squeeze(1)
    for row in suspect.tolist():
        if not bool(torch.isfinite(feats[row]).all()):
            raise ValueError(f'{name}: row {row} holds NaN or inf; '
                             'expected finite features')


def _check_labels(labels: Tensor, length: int, name: str) -> None:
    """Raise ``ValueError`` unless ``labels`` is a (length,) integer tensor."""
    if not isinstance(labels, Tensor) or labels.dim() != 1:
        raise ValueError(f'{name}: expected a 1-D integer tensor')
    if labels.is_floating_point() or labels.dtype == torch.bool:
        raise ValueError(f'{name}: expected an integer tensor, got '
                         f'{labels.dtype}')
    if len(labels) != length:
        raise ValueError(f'{name}: {len(labels)} entries, expected {length} '
                         '(one per feature row)')


def _check_channels(query_feats: Tensor, gallery_feats: Tensor) -> None:
    if query_feats.shape[1] != gallery_feats.shape[1]:
        raise ValueError(
            f'query_feats have {query_feats.shape[1]} channels, '
            f'gallery_feats {gallery_feats.shape[1]}; expected the same')


def _check_metric(metric: str) -> None:
    if metric not in DISTANCE_METRICS:
        raise ValueError(f'metric={metric!r}; expected one of '
                         f'{DISTANCE_METRICS}')


def _prepare(feats: Tensor, metric: str) -> Tensor:
    """Features as used by ``metric``: at least float32, unit rows for
    ``'cosine'``."""
    if feats.dtype in (torch.float16, torch.bfloat16):
        feats = feats.float()
    return F.normalize(feats, dim=1) if metric == 'cosine' else feats


class DistanceRows:
    """Distances of chosen queries to the whole gallery, the features being
    prepared (normalised) once.

    Args:
        query_feats (Tensor): (Q, C) features.
        gallery_feats (Tensor): (G, C) features.
        metric (str): ``'cosine'`` (``1 - cos``) or ``'euclidean'``
            (squared Euclidean). Defaults to ``'cosine'``.

    Calling it with a (q,) int64 tensor of query indices returns their
    (q, G) distances (float32, or float64 for float64 features); the same
    rows always give the same values.
    """

    def __init__(self,
                 query_feats: Tensor,
                 gallery_feats: Tensor,
                 metric: str = 'cosine') -> None:
        _check_metric(metric)
        _check_channels(query_feats, gallery_feats)
        self.metric = metric
        self.query = _prepare(query_feats, metric)
        self.gallery = _prepare(gallery_feats, metric)
        self.gallery_sq_norm = (
            self.gallery.pow(2).sum(1) if metric == 'euclidean' else None)

    def __call__(self, rows: Tensor) -> Tensor:
        query = self.query[rows]
        if self.metric == 'cosine':
            # (-q) g^T is exactly -(q g^T); one in-place pass adds the 1.
            return torch.mm(-query, self.gallery.t()).add_(1)
        # Scaling by -2 is exact, so this is -2 q g^T without an extra pass.
        dist = torch.mm(-2 * query, self.gallery.t())
        dist.add_(self.gallery_sq_norm).add_(
            query.pow(2).sum(1, keepdim=True))
        return dist.clamp_(min=0)


def pairwise_distance(query_feats: Tensor,
                      gallery_feats: Tensor,
                      metric: str = 'cosine') -> Tensor:
    """Distances between two sets of features (see :class:`DistanceRows`).

    Args:
        query_feats (Tensor): (Q, C) features.
        gallery_feats (Tensor): (G, C) features.
        metric (str): ``'cosine'`` or ``'euclidean'``. Defaults to
            ``'cosine'``.

    Returns:
        Tensor: (Q, G) distances.
    """
    check_features(query_feats, 'query_feats')
    check_features(gallery_feats, 'gallery_feats')
    rows = DistanceRows(query_feats, gallery_feats, metric)
    return rows(torch.arange(len(query_feats)))


def default_chunk_size(num_gallery: int) -> int:
    """Queries per chunk so that a chunk holds about ``CHUNK_ELEMENTS``
    distances."""
    return max(1, CHUNK_ELEMENTS // max(1, num_gallery))


class _IdentityIndex:
    """Gallery items grouped by identity, to list each query's same-id items
    without a (Q, G) comparison.

    Args:
        gallery_ids (Tensor): (G,) identities; negative ids (distractors)
            never match.
    """

    def __init__(self, gallery_ids: Tensor) -> None:
        self.order = torch.argsort(gallery_ids, stable=True)
        self.ids, self.counts = torch.unique_consecutive(
            gallery_ids[self.order], return_counts=True)
        self.starts = self.counts.cumsum(0) - self.counts

    def same_identity(self, query_ids: Tensor):
        """Gallery indices of each query's id, ascending, padded.

        Returns:
            tuple: ``index`` (q, L) int64 and ``valid`` (q, L) bool; invalid
            slots hold index 0.
        """
        pos = torch.searchsorted(self.ids, query_ids).clamp_(
            max=len(self.ids) - 1)
        found = (self.ids[pos] == query_ids) & (query_ids >= 0)
        counts = torch.where(found, self.counts[pos], 0)
        width = int(counts.max()) if len(counts) else 0
        slots = torch.arange(width)
        valid = slots < counts[:, None]
        flat = (self.starts[pos][:, None] + slots).clamp_(
            max=len(self.order) - 1)
        index = torch.where(valid, self.order[flat], 0)
        return index, valid


def _left_pack(index: Tensor, keep: Tensor):
    """Move the kept entries of each row to the front, order preserved.

    Args:
        index (Tensor): (q, L) entries.
        keep (Tensor): (q, L) bool, at least one True per row.

    Returns:
        tuple: ``packed`` (q, K) with ``K = keep.sum(1).max()``, padded with
        each row's first kept entry, and ``count`` (q,) kept per row.
    """
    count = keep.sum(1)
    perm = torch.sort((~keep).to(torch.uint8), dim=1, stable=True).indices
    packed = index.gather(1, perm[:, :int(count.max())])
    slots = torch.arange(packed.shape[1])
    packed = torch.where(slots < count[:, None], packed, packed[:, :1])
    return packed, count


def _num_bins(num_items: int) -> int:
    return min(max(num_items // ITEMS_PER_BIN, MIN_BINS), MAX_BINS)


class Workspace:
    """Reusable scratch tensors of :func:`match_ranks`, so that successive
    calls do not allocate (and page in) fresh memory each time."""

    def __init__(self) -> None:
        self._buffers: Dict[str, Tensor] = {}

    def get(self, name: str, shape: Tuple[int, ...],
            dtype: torch.dtype) -> Tensor:
        """An uninitialised tensor of ``shape`` backed by buffer ``name``."""
        numel = math.prod(shape)
        buffer = self._buffers.get(name)
        if buffer is None or buffer.dtype != dtype or len(buffer) < numel:
            buffer = self._buffers[name] = torch.empty(numel, dtype=dtype)
        return buffer[:numel].view(shape)


def _compact(dist: Tensor, keep: Tensor, counts: Tensor):
    """The kept distances of each row, moved to the front.

    Args:
        dist (Tensor): (q, G) distances.
        keep (Tensor): (q, G) bool.
        counts (Tensor): (q,) kept entries per row.

    Returns:
        tuple: ``compact`` (q, K) distances, padded with +inf, and
        ``columns`` (q, K) int64 gallery index of each entry, with ``K`` the
        most kept entries in a row.
    """
    row, column = keep.nonzero().unbind(1)
    slot = torch.arange(len(row)) - (counts.cumsum(0) - counts)[row]
    width = int(counts.max())
    compact = dist.new_full((len(dist), width), math.inf)
    compact[row, slot] = dist[row, column]
    columns = torch.zeros(len(dist), width, dtype=torch.int64)
    columns[row, slot] = column
    return compact, columns


def match_ranks(dist: Tensor,
                match_index: Tensor,
                num_matches: Tensor,
                excluded_index: Tensor,
                workspace: Optional[Workspace] = None) -> Tensor:
    """Ranks of the true matches, by counting (no sort of the rows).

    The matches' distances are sorted (``M`` per row) and every other
    distance is put in a bin by a monotone map (a lower bin never holds a
    larger distance): a per-row histogram counts, for each match, the kept
    items in lower bins, and the items sharing a bin with a match are
    compared exactly, distance then gallery index. Only distances up to the
    last match matter; when they are few (a good model), they are first
    moved to a compact (q, K) array and only those are binned.

    Memory: 13 bytes per entry of ``dist`` (a binned copy, int64 bins, a
    mask; up to twice that on the compact path), plus O(q x num_bins).

    Args:
        dist (Tensor): (q, G) finite distances, contiguous; overwritten.
        match_index (Tensor): (q, M) gallery indices of the true matches,
            ascending per row, the first ``num_matches`` valid and the rest
            padded with a valid entry of the row.
        num_matches (Tensor): (q,) int64, at least 1.
        excluded_index (Tensor): (q, L) gallery indices left out of the
            ranking (matches and camera-filtered items; padded with a
            valid entry).
        workspace (Workspace, optional): scratch tensors to reuse.

    Returns:
        Tensor: (q, M) int64 1-based ranks in the ranking of the kept gallery
        items (tie rule: gallery order), ascending; entries past
        ``num_matches`` are undefined.
    """
    workspace = workspace or Workspace()
    num_query, num_slots = match_index.shape
    valid = torch.arange(num_slots) < num_matches[:, None]
    thresholds = dist.gather(1, match_index).masked_fill_(~valid, math.inf)
    thresholds, perm = torch.sort(thresholds, dim=1, stable=True)
    match_index = match_index.gather(1, perm)

    low = dist.amin(dim=1, keepdim=True)
    top = thresholds.gather(1, (num_matches - 1)[:, None])
    if not bool(torch.isfinite(top).all()):
        raise ValueError('a true match at infinite distance; expected finite '
                         'distances (features too large for the metric?)')
    dist.scatter_(1, excluded_index, math.inf)
    columns = None
    # Estimated on the leading columns; the path only changes the speed.
    sample = dist[:, :max(1, dist.shape[1] // SAMPLE_DIVISOR)]
    if int((sample <= top).sum()) * SPARSE_RATIO <= sample.numel():
        candidate = torch.le(
            dist, top, out=workspace.get('mask', dist.shape, torch.bool))
        counts = candidate.sum(1)
        if int(counts.max()) * SPARSE_RATIO <= dist.shape[1]:
            dist, columns = _compact(dist, candidate, counts)
    shape = dist.shape

    # Bin by a monotone map of [low, top] onto [0, num_bins - 1]; larger
    # distances (excluded items, padding) go to the overflow bin num_bins.
    # The scale is positive and finite (so inf maps to inf, never NaN) and
    # keeps (top - low) * scale below num_bins.
    num_bins = _num_bins(shape[1])
    scale = (num_bins - 0.5) / (top - low)
    scale = torch.where(torch.isfinite(scale), scale, 1)
    scaled = torch.sub(
        dist, low, out=workspace.get('scaled', shape, dist.dtype))
    bins = workspace.get('bins', shape, torch.int64)
    bins.copy_(scaled.mul_(scale).clamp_(max=num_bins))
    match_bins = torch.sub(thresholds, low).mul_(scale).clamp_(
        max=num_bins).long().masked_fill_(~valid, num_bins)

    hist = torch.zeros(num_query, num_bins + 1, dtype=torch.int64)
    hist.scatter_add_(1, bins, torch.ones(1, dtype=torch.int64).expand_as(
        bins))
    below = hist.cumsum(1).sub_(hist)  # kept items in lower bins
    ranks = below.gather(1, match_bins)
    del hist, below

    # Items sharing a bin with matches: exact comparison with those matches
    # only. Matches are sorted, so their bins ascend and the matches of bin
    # b are the slots first[b] .. first[b] + count[b] - 1.
    count = torch.zeros(num_query, num_bins + 1, dtype=torch.int64)
    count.scatter_add_(1, match_bins, torch.ones_like(match_bins))
    first = count.cumsum(1).sub_(count)
    count[:, num_bins] = 0
    flagged = torch.gather(
        count > 0, 1, bins, out=workspace.get('mask', shape, torch.bool))
    row, column = flagged.nonzero().unbind(1)
    item_dist = dist[row, column]
    item_index = column if columns is None else columns[row, column]
    table = row * (num_bins + 1) + bins[row, column]
    start = row * num_slots + first.view(-1)[table]
    in_bin = count.view(-1)[table]
    ranks = ranks.view(-1)
    for offset in range(int(in_bin.max()) if len(in_bin) else 0):
        slot = torch.where(in_bin > offset, start + offset, start)
        threshold = thresholds.view(-1)[slot]
        before = (item_dist < threshold) | ((item_dist == threshold) & (
            item_index < match_index.view(-1)[slot]))
        ranks.index_add_(0, slot, (before & (in_bin > offset)).long())
    return ranks.view(num_query, num_slots) + torch.arange(1, num_slots + 1)


def rank_queries(distance_rows: Callable[[Tensor], Tensor],
                 query_ids: Tensor,
                 query_cams: Tensor,
                 gallery_ids: Tensor,
                 gallery_cams: Tensor,
                 camera_filter: bool = False,
                 chunk_size: Optional[int] = None) -> RankingStats:
    """AP, INP and first-match rank of every query, in query chunks.

    Each chunk's (q, G) distances are computed at once (a large matrix
    product is fast) and ranked by :func:`match_ranks` in steps of about
    ``RANK_ELEMENTS`` entries (small steps stay in cache).

    Memory: O(chunk_size x G) floats for a chunk's distances plus
    O(RANK_ELEMENTS) for a ranking step (13 bytes an entry: a binned copy,
    int64 bins and a mask; at most twice that when the step is compacted),
    plus O(Q) results; the (Q, G) matrix is never built. By default a chunk
    holds about ``CHUNK_ELEMENTS`` distances (16M: 64 MB in float32) and a
    step about ``RANK_ELEMENTS`` (2M: 26 to 52 MB), so about 120 MB whatever
    Q and G, besides the prepared features of :class:`DistanceRows`.

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

    Returns:
        RankingStats: per-query results.
    """
    num_query, num_gallery = len(query_ids), len(gallery_ids)
    if num_gallery == 0:
        raise ValueError('empty gallery: expected at least one gallery item')
    if chunk_size is None:
        chunk_size = default_chunk_size(num_gallery)
    elif chunk_size < 1:
        raise ValueError(f'chunk_size={chunk_size}; expected >= 1')
    step = max(1, RANK_ELEMENTS // num_gallery)
    workspace = Workspace()
    query_ids, gallery_ids = query_ids.long(), gallery_ids.long()
    identity_index = _IdentityIndex(gallery_ids)
    average_precision, inverse_negative_penalty, first_match_rank = [], [], []
    evaluated = torch.zeros(num_query, dtype=torch.bool)
    for start in range(0, num_query, chunk_size):
        queries = torch.arange(start, min(start + chunk_size, num_query))
        same_id, same_valid = identity_index.same_identity(query_ids[queries])
        is_match = same_valid
        if camera_filter:
            is_match = same_valid & (
                gallery_cams[same_id] != query_cams[queries][:, None])
        keep = is_match.any(1)
        evaluated[queries] = keep
        if not bool(keep.any()):
            continue
        queries, same_id = queries[keep], same_id[keep]
        same_valid, is_match = same_valid[keep], is_match[keep]
        dist = distance_rows(queries)
        for rows in torch.arange(len(queries)).split(step):
            match_index, num_matches = _left_pack(same_id[rows],
                                                  is_match[rows])
            excluded_index = torch.where(same_valid[rows], same_id[rows],
                                         match_index[:, :1])
            ranks = match_ranks(dist[rows[0]:rows[-1] + 1], match_index,
                                num_matches, excluded_index, workspace)
            slots = torch.arange(1, ranks.shape[1] + 1, dtype=torch.float64)
            precision = torch.where(slots <= num_matches[:, None],
                                    slots / ranks, 0)
            average_precision.append(precision.sum(1) / num_matches)
            last_rank = ranks.gather(1, (num_matches - 1)[:, None])[:, 0]
            inverse_negative_penalty.append(num_matches / last_rank.double())
            first_match_rank.append(ranks[:, 0])
        del dist
    if not average_precision:
        empty = torch.zeros(0, dtype=torch.float64)
        return RankingStats(empty, empty.clone(),
                            torch.zeros(0, dtype=torch.int64), evaluated)
    return RankingStats(
        torch.cat(average_precision), torch.cat(inverse_negative_penalty),
        torch.cat(first_match_rank), evaluated)


def ranking_stats(query_feats: Tensor,
                  query_ids: Tensor,
                  query_cams: Tensor,
                  gallery_feats: Tensor,
                  gallery_ids: Tensor,
                  gallery_cams: Tensor,
                  metric: str = 'cosine',
                  camera_filter: bool = False,
                  rerank: bool = False,
                  k1: int = 20,
                  k2: int = 6,
                  lambda_value: float = 0.3,
                  chunk_size: Optional[int] = None) -> RankingStats:
    """Per-query ranking results from features (see :func:`rank_queries`).

    Args:
        query_feats (Tensor): (Q, C) features.
        query_ids (Tensor): (Q,) identities, -1 for distractors.
        query_cams (Tensor): (Q,) cameras (here: modalities).
        gallery_feats (Tensor): (G, C) features.
        gallery_ids (Tensor): (G,) identities, -1 for distractors.
        gallery_cams (Tensor): (G,) cameras.
        metric (str): ``'cosine'`` or ``'euclidean'``. Defaults to
            ``'cosine'``.
        camera_filter (bool): Market-1501 same-id same-camera removal.
            Defaults to False.
        rerank (bool): Rank by :func:`k_reciprocal_distance` (memory
            O((Q + G)^2)). Defaults to False.
        k1 (int): Re-ranking k1. Defaults to 20.
        k2 (int): Re-ranking k2. Defaults to 6.
        lambda_value (float): Re-ranking weight of the original distance.
            Defaults to 0.3.
        chunk_size (int, optional): Queries per chunk.

    Returns:
        RankingStats: per-query results.
    """
    _check_metric(metric)
    check_features(query_feats, 'query_feats')
    check_features(gallery_feats, 'gallery_feats')
    num_query, num_gallery = len(query_feats), len(gallery_feats)
    if num_gallery == 0:
        raise ValueError('empty gallery: expected at least one gallery item')
    _check_labels(query_ids, num_query, 'query_ids')
    _check_labels(query_cams, num_query, 'query_cams')
    _check_labels(gallery_ids, num_gallery, 'gallery_ids')
    _check_labels(gallery_cams, num_gallery, 'gallery_cams')
    _check_channels(query_feats, gallery_feats)

    if rerank:
        dist = k_reciprocal_distance(query_feats, gallery_feats, metric, k1,
                                     k2, lambda_value)
        distance_rows = dist.__getitem__
    else:
        distance_rows = DistanceRows(query_feats, gallery_feats, metric)
    return rank_queries(distance_rows, query_ids, query_cams, gallery_ids,
                        gallery_cams, camera_filter, chunk_size)


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


def k_reciprocal_distance(query_feats: Tensor,
                          gallery_feats: Tensor,
                          metric: str = 'cosine',
                          k1: int = 20,
                          k2: int = 6,
                          lambda_value: float = 0.3) -> Tensor:
    """k-reciprocal re-ranking distance (Zhong et al., CVPR 2017).

    On the union U of queries and gallery (N = Q + G items) with the
    distance ``d`` of ``metric``, and ``N(x, k)`` the item ``x`` itself plus
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
        metric (str): ``'cosine'`` or ``'euclidean'``. Defaults to
            ``'cosine'``.
        k1 (int): Size of the k-reciprocal neighbourhoods. Defaults to 20.
        k2 (int): Size of the query expansion. Defaults to 6.
        lambda_value (float): Weight of the original distance, in [0, 1].
            Defaults to 0.3.

    Returns:
        Tensor: (Q, G) re-ranked distances.
    """
    if k1 < 1 or k2 < 1:
        raise ValueError(f'k1={k1}, k2={k2}; expected both >= 1')
    if not 0 <= lambda_value <= 1:
        raise ValueError(f'lambda_value={lambda_value}; expected in [0, 1]')
    num_query = len(query_feats)
    feats = torch.cat([query_feats, gallery_feats])
    dist = pairwise_distance(feats, feats, metric)
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
