"""Synthetic ReID features shared by the benchmarks (imported by the
scripts of this folder, which run from it).

Model-like features are identity centres plus Gaussian noise, added in row
slices so that no large temporary raises the peak RSS
(:func:`add_centres_`).
"""
from torch import Tensor

#: Rows per slice in :func:`add_centres_`.
SLICE_ROWS = 4096


def add_centres_(features: Tensor, labels: Tensor, centres: Tensor,
                 noise: float) -> Tensor:
    """In place: ``features = features * noise + centres[labels]``.

    Args:
        features: (N, C) standard Gaussian draws, overwritten.
        labels: (N,) integer rows of ``centres``.
        centres: (K, C) cluster centres.
        noise: scale of the Gaussian draws.

    Returns:
        ``features``.
    """
    for start in range(0, len(labels), SLICE_ROWS):
        part = slice(start, start + SLICE_ROWS)
        features[part].mul_(noise).add_(centres[labels[part]])
    return features
