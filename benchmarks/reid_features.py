"""Synthetic ReID features shared by the benchmarks (imported by
``bench_metric.py`` and ``bench_index.py``, which run from this folder).

Model-like features are identity centres plus Gaussian noise, added in row
slices so that no large temporary raises the peak RSS
(:func:`add_centres_`). :class:`ArchiveFeatures` builds a ship archive on
it: ship classes, identities around their class, an optical and a SAR
centre per identity offset from each other, noisy L2-normalised views,
generated chunk by chunk so that a gallery of a million 768-d chips never
exists twice in memory.
"""
from dataclasses import dataclass
from typing import Iterator, Tuple

import torch
from torch import Tensor

#: Rows per slice in :func:`add_centres_` and per generated chunk.
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


@dataclass(frozen=True)
class ArchiveFeatures:
    """An archive of ship chips as a trained ReID model would embed them.

    Every view is ``class centre + identity offset + modality offset +
    view noise`` (independent Gaussians, per-dimension standard deviations
    below), L2-normalised. With the defaults the expected cosine
    similarities are 0.7 between two views of one ship in one modality,
    0.5 across modalities, 0.25 between two ships of one class and 0
    otherwise: the same ship's views rank first, then look-alike ships of
    its class, as with a trained model; not uniform noise.

    Attributes:
        dim: feature dimension C.
        num_ids: identities (ships).
        num_classes: ship classes the identities are drawn from.
        seed: every draw derives from it.
        class_std, identity_std, modality_std, view_std: per-dimension
            standard deviations of the four terms.
    """
    dim: int
    num_ids: int
    num_classes: int = 100
    seed: int = 0
    class_std: float = 0.5
    identity_std: float = 0.5
    modality_std: float = 0.2**0.5
    view_std: float = 0.3**0.5

    def view_centres(self) -> Tensor:
        """(2 * num_ids, C) centre of identity ``i`` in modality ``m`` at
        row ``2 * i + m`` (0 optical, 1 SAR)."""
        gen = torch.Generator().manual_seed(self.seed)
        classes = torch.randn(self.num_classes, self.dim, generator=gen)
        class_of_id = torch.randint(0, self.num_classes, (self.num_ids, ),
                                    generator=gen)
        identities = add_centres_(
            torch.randn(self.num_ids, self.dim, generator=gen), class_of_id,
            classes * self.class_std, self.identity_std)
        centres = torch.randn(self.num_ids, 2, self.dim, generator=gen)
        centres.mul_(self.modality_std).add_(identities[:, None])
        return centres.reshape(-1, self.dim)

    def views(self, ids: Tensor, modalities: Tensor, centres: Tensor,
              gen: torch.Generator) -> Tensor:
        """(N, C) float32 L2-normalised views of identities ``ids`` (N,) in
        ``modalities`` (N,), given :meth:`view_centres`."""
        features = torch.randn(len(ids), self.dim, generator=gen)
        add_centres_(features, ids * 2 + modalities, centres, self.view_std)
        return torch.nn.functional.normalize(features, dim=1, out=features)

    def chunks(self, num_items: int, stream: int, centres: Tensor,
               chunk: int = SLICE_ROWS
               ) -> Iterator[Tuple[Tensor, Tensor, Tensor]]:
        """Chips ``0 .. num_items - 1`` of one stream (e.g. 0 gallery, 1
        queries), ``chunk`` at a time: (features (n, C), ids (n,),
        modalities (n,)); identities and modalities uniform. The same
        arguments give the same chips."""
        gen = torch.Generator().manual_seed(self.seed * 1000 + 1 + stream)
        for start in range(0, num_items, chunk):
            size = min(chunk, num_items - start)
            ids = torch.randint(0, self.num_ids, (size, ), generator=gen)
            modalities = torch.randint(0, 2, (size, ), generator=gen)
            yield self.views(ids, modalities, centres, gen), ids, modalities
