"""Query-gallery distances of the ReID evaluation, and the input checks.

``'cosine'`` is ``1 - cos`` (features L2-normalised first, the authors'
ranking); ``'euclidean'`` is the squared Euclidean distance of the raw
features (the same ranking as the Euclidean distance).
"""
import torch
import torch.nn.functional as F
from torch import Tensor

DISTANCE_METRICS = ('cosine', 'euclidean')


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


def check_labels(labels: Tensor, length: int, name: str) -> None:
    """Raise ``ValueError`` unless ``labels`` is a (length,) integer tensor."""
    if not isinstance(labels, Tensor) or labels.dim() != 1:
        raise ValueError(f'{name}: expected a 1-D integer tensor')
    if labels.is_floating_point() or labels.dtype == torch.bool:
        raise ValueError(f'{name}: expected an integer tensor, got '
                         f'{labels.dtype}')
    if len(labels) != length:
        raise ValueError(f'{name}: {len(labels)} entries, expected {length} '
                         '(one per feature row)')


def check_channels(query_feats: Tensor, gallery_feats: Tensor) -> None:
    """Raise ``ValueError`` unless both sets have the same width."""
    if query_feats.shape[1] != gallery_feats.shape[1]:
        raise ValueError(
            f'query features have {query_feats.shape[1]} channels, '
            f'gallery features {gallery_feats.shape[1]}; expected the same')


def _prepare(feats: Tensor, metric: str) -> Tensor:
    """Features as used by ``metric``: at least float32 (the metric's
    float32 island: features of a bfloat16 / float16 run are upcast before
    any distance), unit rows for ``'cosine'``."""
    if feats.dtype in (torch.float16, torch.bfloat16):
        feats = feats.float()
    return F.normalize(feats, dim=1) if metric == 'cosine' else feats


class DistanceRows:
    """Distances of chosen queries to the whole gallery, the features being
    prepared (normalised) once.

    Args:
        query_feats (Tensor): (Q, C) features.
        gallery_feats (Tensor): (G, C) features.
        metric (str): ``'cosine'`` or ``'euclidean'``, as checked by
            :class:`~.ranking_options.RankingOptions`.

    Calling it with a (q,) int64 tensor of query indices returns their
    (q, G) distances (float32, or float64 for float64 features); the same
    rows always give the same values.
    """

    def __init__(self, query_feats: Tensor, gallery_feats: Tensor,
                 metric: str = 'cosine') -> None:
        check_channels(query_feats, gallery_feats)
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
    """(Q, C) and (G, C) features -> (Q, G) distances (see
    :class:`DistanceRows`); the features are checked first."""
    if metric not in DISTANCE_METRICS:
        raise ValueError(f'metric={metric!r}; expected one of '
                         f'{DISTANCE_METRICS}')
    check_features(query_feats, 'query_feats')
    check_features(gallery_feats, 'gallery_feats')
    rows = DistanceRows(query_feats, gallery_feats, metric)
    return rows(torch.arange(len(query_feats)))
