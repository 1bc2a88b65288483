"""The faiss half of a gallery index: one faiss index per modality.

Why one index per modality rather than one index searched through a faiss
``IDSelector`` on the modality: a cross-modal search (the usual one: an
optical detection against the SAR archive, or the reverse) then scans only
chips it may return: half the work of the exact index, and all of the
approximate index's ``nprobe`` / ``efSearch`` budget goes to admissible
candidates; a same-modality chip cannot come back, whatever the index
kind; each modality's IVF centroids fit that modality's features. A search
of both modalities runs both indexes and merges. Metadata conditions (time,
sensor) restrict rows through an ``IDSelectorBitmap`` instead.

Rows of a modality's faiss index ("positions") are ``0, 1, ...`` in the
order of adding; the metadata store maps them to chips.
"""
import os
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import faiss
import numpy as np

from sdfnet_mm.structures import MODALITY_NAMES, OPTICAL, SAR

from .index_spec import IndexSpec, build_faiss_index

#: Ranked (similarities (n,) float32, positions (n,) int64) of one query.
RankedPositions = Tuple[np.ndarray, np.ndarray]


def unit_rows(features, dim: int, where: str) -> np.ndarray:
    """(N, dim) features (array or CPU tensor) -> L2-normalised float32
    copy.

    Raises:
        ValueError: naming ``where`` for a wrong shape, a non-finite value
            or an all-zero row.
    """
    features = np.array(features, dtype=np.float32, order='C', copy=True)
    if features.ndim != 2 or features.shape[1] != dim:
        raise ValueError(f'{where}: features of shape {features.shape}; '
                         f'expected (N, {dim})')
    bad = ~np.isfinite(features).all(axis=1) | ~features.any(axis=1)
    if bad.any():
        raise ValueError(f'{where}: feature row {int(np.flatnonzero(bad)[0])}'
                         ' is all zero or not finite; it has no direction')
    faiss.normalize_L2(features)
    return features


class VectorIndex:
    """Optical and SAR features, each in its own faiss index of ``spec``.

    Args:
        spec: the index kind and parameters.
        indexes: modality code -> faiss index.
    """
    FILE_NAMES = {OPTICAL: 'optical.faiss', SAR: 'sar.faiss'}

    def __init__(self, spec: IndexSpec, indexes: Dict[int,
                                                       faiss.Index]) -> None:
        self.spec = spec
        self.indexes = indexes

    @classmethod
    def create(cls, spec: IndexSpec, dim: int) -> 'VectorIndex':
        """Empty indexes for ``dim``-d features."""
        return cls(spec, {m: build_faiss_index(spec, dim)
                          for m in cls.FILE_NAMES})

    @classmethod
    def read(cls, folder: Path, spec: IndexSpec) -> 'VectorIndex':
        """Read the files written by :meth:`write`.

        Raises:
            ValueError: naming the file when it is unreadable or not an
                inner-product index of ``spec``'s kind.
        """
        indexes = {}
        for modality, name in cls.FILE_NAMES.items():
            path = folder / name
            try:
                index = faiss.read_index(str(path))
            except RuntimeError as error:
                raise ValueError(f'{path}: not a readable faiss index '
                                 f'({str(error).splitlines()[-1]})') from None
            if not isinstance(index, spec.faiss_type) or \
                    index.metric_type != faiss.METRIC_INNER_PRODUCT:
                raise ValueError(
                    f'{path}: a {type(index).__name__} (metric '
                    f'{index.metric_type}); expected an inner-product '
                    f'{spec.faiss_type.__name__} ({spec.kind})')
            indexes[modality] = index
        return cls(spec, indexes)

    def write(self, folder: Path) -> None:
        """Write one file per modality into ``folder``, flushed to disk."""
        for modality, name in self.FILE_NAMES.items():
            path = folder / name
            faiss.write_index(self.indexes[modality], str(path))
            with open(path, 'rb') as f:
                os.fsync(f.fileno())

    def dim(self, modality: int) -> int:
        return self.indexes[modality].d

    def count(self, modality: int) -> int:
        """Features held for ``modality``."""
        return self.indexes[modality].ntotal

    def untrained(self) -> List[str]:
        """Names of the modalities whose index needs training."""
        return [MODALITY_NAMES[m] for m, index in self.indexes.items()
                if not index.is_trained]

    def train(self, features: np.ndarray, modalities: np.ndarray) -> None:
        """Train each modality's index on its rows of ``features`` (N, C),
        unit rows; ``modalities`` (N,) codes. Only IVF-PQ indexes need
        training."""
        for modality, index in self.indexes.items():
            self.spec.prepare_training(index)
            index.train(features[modalities == modality])

    def next_positions(self, modalities: np.ndarray) -> np.ndarray:
        """(N,) int64 positions that :meth:`add` will give to features of
        ``modalities`` (N,) codes."""
        positions = np.empty(len(modalities), dtype=np.int64)
        for modality, index in self.indexes.items():
            rows = np.flatnonzero(modalities == modality)
            positions[rows] = np.arange(index.ntotal, index.ntotal + len(rows))
        return positions

    def add(self, features: np.ndarray, modalities: np.ndarray) -> None:
        """Append unit rows ``features`` (N, C) to their modality's index;
        ``modalities`` (N,) codes."""
        for modality, index in self.indexes.items():
            rows = np.flatnonzero(modalities == modality)
            if len(rows):
                index.add(features[rows])

    def search(self, queries: np.ndarray, k: int, modality: int,
               allowed: Optional[np.ndarray] = None) -> List[RankedPositions]:
        """The ``k`` nearest features of ``modality`` to each unit row of
        ``queries`` (Q, C), most similar first, equal similarities by
        position (the chip added first first), also across the k-th place:
        when chips tie there, more are fetched until the tie is resolved.

        Args:
            allowed: ascending positions the search may return (None: all).

        Returns:
            Per query, (similarities (n,) float32, positions (n,) int64),
            n <= k (fewer when fewer chips are allowed, or an approximate
            index finds fewer).
        """
        index = self.indexes[modality]
        available = index.ntotal if allowed is None else len(allowed)
        if available == 0 or k <= 0:
            empty = (np.empty(0, np.float32), np.empty(0, np.int64))
            return [empty] * len(queries)
        selector = None
        if allowed is not None:
            bitmap = np.zeros(index.ntotal, dtype=bool)
            bitmap[allowed] = True
            selector = faiss.IDSelectorBitmap(
                np.packbits(bitmap, bitorder='little'))
        # params holds a raw pointer: ``selector`` lives until the return
        params = self.spec.search_parameters(selector)
        fetch = min(k + 1, available)
        similarities, positions = index.search(queries, fetch, params=params)
        results = list(zip(similarities, positions))
        while fetch < available:
            tied = [
                i for i, (sims, pos) in enumerate(results)
                if pos[-1] >= 0 and sims[-1] == sims[k - 1]
            ]
            if not tied:
                break
            fetch = min(2 * fetch, available)
            more = index.search(queries[tied], fetch, params=params)
            for i, sims, pos in zip(tied, *more):
                results[i] = (sims, pos)
        return [rank_by_similarity(sims, pos, k) for sims, pos in results]


def rank_by_similarity(similarities: np.ndarray, positions: np.ndarray,
                       k: int) -> RankedPositions:
    """The first ``k`` of one query's results in the documented order: most
    similar first, then lower position; faiss' padding (-1) dropped."""
    found = positions >= 0
    similarities, positions = similarities[found], positions[found]
    order = np.lexsort((positions, -similarities))[:k]
    return similarities[order], positions[order]
