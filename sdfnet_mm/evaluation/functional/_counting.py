"""Ranks of true matches by counting, not sorting (private machinery of
:mod:`.ranking`).

**Tie rule.** Equal distances are ordered by gallery index, i.e. the ranking
of a query is a *stable* sort of its distance row (``numpy.argsort(row,
kind='stable')``).

Only the ranks of a query's true matches matter: the rank of a match is one
plus the number of kept gallery items ordered before it. For a step of
queries the matches' distances are sorted (a few per query) and every
distance ``d`` of the row gets the bin ``trunc(min((d - low) * scale,
num_bins))``. Subtraction and multiplication by a positive constant are
correctly rounded, hence monotone, so a lower bin never holds a larger
distance: a per-row histogram gives, for each match, the kept items of lower
bins exactly, and only the items sharing a bin with a match are compared one
by one (distance, then gallery index). Nothing of size G is sorted and the
counts are exact, ties included (proved against the sort-based
:mod:`.reference` in ``tests/test_evaluation``). When few distances lie
below a query's last match (a good model), they are compacted first and only
they are binned.
"""
import math
from typing import Dict, Optional, Tuple

import torch
from torch import Tensor

#: Mean number of gallery items per distance bin (sets the bin count).
ITEMS_PER_BIN = 8
#: Bin count bounds, whatever the gallery size.
MIN_BINS, MAX_BINS = 64, 1 << 16
#: Compact a step's distances when at most 1 / SPARSE_RATIO of them (in the
#: first 1 / SAMPLE_DIVISOR of the gallery) and of each row can precede
#: their query's last match.
SPARSE_RATIO = 8
SAMPLE_DIVISOR = 16


class IdentityIndex:
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


def left_pack(index: Tensor, keep: Tensor):
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


def num_bins_for(num_items: int) -> int:
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


def compact_rows(dist: Tensor, keep: Tensor, counts: Tensor):
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
            dist, columns = compact_rows(dist, candidate, counts)
    shape = dist.shape

    # Bin by a monotone map of [low, top] onto [0, num_bins - 1]; larger
    # distances (excluded items, padding) go to the overflow bin num_bins.
    # The scale is positive and finite (so inf maps to inf, never NaN) and
    # keeps (top - low) * scale below num_bins.
    num_bins = num_bins_for(shape[1])
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
