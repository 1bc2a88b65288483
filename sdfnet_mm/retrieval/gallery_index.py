"""A persistent, searchable archive of gallery chips: features in faiss,
metadata in SQLite, saved atomically.

Layout of an index folder ``DIR``::

    DIR/manifest.json          current version, dim, index spec, model
                               fingerprint, chips per modality
    DIR/v000007/optical.faiss  optical features (faiss index)
    DIR/v000007/sar.faiss      SAR features
    DIR/v000007/chips.sqlite   chips table and meta table

:meth:`GalleryIndex.save` writes ``v000008/`` completely, flushes it, then
replaces ``manifest.json`` in one rename (the commit) and removes
``v000007/``. A kill at any moment leaves the manifest naming a complete
version; the next save removes what a killed one left. One process writes
an index at a time; ``open`` while another process saves may fail (retry).
"""
import re
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Union

import numpy as np

from sdfnet_mm.structures import MODALITY_NAMES, parse_modality

from .chip_filter import ChipFilter
from .chip_record import ChipRecord
from .index_consistency import check_consistency, check_fingerprint
from .index_manifest import IndexManifest, fsync_directory
from .index_spec import (ExactSpec, IndexSpec, IVFPQSpec, check_spec,
                         spec_to_dict)
from .metadata_store import MetadataStore
from .model_fingerprint import ModelFingerprint
from .search_hit import SearchHit
from .vector_index import VectorIndex, unit_rows

VERSION_FOLDER = re.compile(r'v\d{6}')
#: Left in DIR by a manifest write that was killed (AtomicLocalBackend).
MANIFEST_TEMPORARY = f'.{IndexManifest.FILE_NAME}.*.tmp'
FILTER_STAGES = ('before', 'after')


class GalleryIndex:
    """Features and metadata of gallery chips, searched by cosine.

    Build one with :meth:`create` or :meth:`open`, not the constructor.
    Changes (:meth:`train`, :meth:`add`, :meth:`set_search_params`) are
    made in memory and reach the disk with :meth:`save`.
    """

    def __init__(self, directory: Path, manifest: IndexManifest,
                 vectors: VectorIndex, metadata: MetadataStore) -> None:
        self.directory = directory
        self.manifest = manifest
        self.vectors = vectors
        self.metadata = metadata
        self._broken: Optional[str] = None

    @classmethod
    def create(cls,
               directory: Union[str, Path],
               dim: int,
               fingerprint: ModelFingerprint,
               approx: Optional[IndexSpec] = None) -> 'GalleryIndex':
        """A new, empty index in ``directory``, saved at once.

        Args:
            dim: feature dimension C.
            fingerprint: the model whose features will be added.
            approx: :class:`IVFPQSpec` or :class:`HNSWSpec` for an
                approximate index; None: exact search.

        Raises:
            FileExistsError: when ``directory`` already holds an index.
            ValueError: for a bad ``dim`` or one the spec cannot split.
        """
        directory = Path(directory)
        if (directory / IndexManifest.FILE_NAME).exists():
            raise FileExistsError(
                f'{directory} already holds a gallery index; open it with '
                'GalleryIndex.open or choose another folder')
        if isinstance(dim, bool) or not isinstance(dim, int) or dim <= 0:
            raise ValueError(f'GalleryIndex.create: dim={dim!r} must be a '
                             'positive integer')
        spec = check_spec(approx or ExactSpec(), 'GalleryIndex.create')
        if isinstance(spec, IVFPQSpec) and dim % spec.m:
            raise ValueError(f'GalleryIndex.create: the PQ sub-quantizers '
                             f'm={spec.m} must divide dim={dim}')
        directory.mkdir(parents=True, exist_ok=True)
        metadata = MetadataStore.create(
            dict(dim=dim, index=spec_to_dict(spec),
                 fingerprint=fingerprint.to_dict(), rows=0))
        manifest = IndexManifest(0, dim, spec, fingerprint,
                                 {name: 0 for name in MODALITY_NAMES.values()})
        index = cls(directory, manifest, VectorIndex.create(spec, dim),
                    metadata)
        index.save()
        return index

    @classmethod
    def open(cls, directory: Union[str, Path],
             expected_fingerprint: Optional[ModelFingerprint]
             ) -> 'GalleryIndex':
        """Load the current version of the index in ``directory``.

        Args:
            expected_fingerprint: the model whose query features will be
                searched; None skips this check (inspection only).

        Raises:
            FileNotFoundError: when ``directory`` holds no index.
            ValueError: for unreadable files, parts that disagree (row
                counts, dimension, index kind, fingerprint) or a model
                other than ``expected_fingerprint``: each names the files
                and values.
        """
        directory = Path(directory)
        manifest = IndexManifest.read(directory)
        folder = directory / manifest.folder
        if not folder.is_dir():
            raise ValueError(f'{directory / IndexManifest.FILE_NAME} names '
                             f'{folder}, which does not exist')
        metadata = MetadataStore.load(folder / MetadataStore.FILE_NAME)
        vectors = VectorIndex.read(folder, manifest.spec)
        check_consistency(directory, manifest, vectors, metadata,
                          expected_fingerprint)
        return cls(directory, manifest, vectors, metadata)

    @property
    def dim(self) -> int:
        return self.manifest.dim

    @property
    def spec(self) -> IndexSpec:
        return self.manifest.spec

    @property
    def fingerprint(self) -> ModelFingerprint:
        return self.manifest.fingerprint

    def check_model(self, fingerprint: ModelFingerprint) -> None:
        """Raise ``ValueError`` naming the index and what differs unless
        its features come from the model of ``fingerprint``."""
        check_fingerprint(self.directory, self.fingerprint, fingerprint)

    def __len__(self) -> int:
        return self.metadata.count()

    def count(self, modality: Union[int, str]) -> int:
        """Chips of one modality."""
        return self.metadata.count(parse_modality(modality))

    @property
    def needs_training(self) -> bool:
        """True until an IVF-PQ index is trained (:meth:`train`)."""
        return bool(self.vectors.untrained())

    def train(self, features, modalities: Sequence) -> None:
        """Train an IVF-PQ index: each modality's lists and codebooks on its
        rows, before the first :meth:`add`.

        Args:
            features: (N, C) sample of the archive's features (any scale).
            modalities: (N,) codes or names; each modality needs at least
                ``spec.min_training_rows()`` rows (faiss advises 39 per
                list).

        Raises:
            ValueError: when the index needs no training or has been
                trained, or for too few rows.
        """
        where = 'GalleryIndex.train'
        if not self.needs_training:
            raise ValueError(f'{where}: the {self.spec.kind} index of '
                             f'{self.directory} needs no (more) training')
        features = unit_rows(features, self.dim, where)
        codes = np.array([parse_modality(m, f'{where} modalities')
                          for m in modalities], dtype=np.int64)
        if len(codes) != len(features):
            raise ValueError(f'{where}: {len(features)} features but '
                             f'{len(codes)} modalities')
        needed = self.spec.min_training_rows()
        for code, name in MODALITY_NAMES.items():
            if np.count_nonzero(codes == code) < needed:
                raise ValueError(
                    f'{where}: {np.count_nonzero(codes == code)} {name} rows'
                    f'; {self.spec.factory_string()} needs at least {needed}')
        self.vectors.train(features, codes)

    def has_paths(self, paths: Iterable[str]) -> Set[str]:
        """Those of ``paths`` already in the index (to resume a build)."""
        return self.metadata.known_paths(paths)

    def records(self, paths: Iterable[str]) -> Dict[str, ChipRecord]:
        """path -> stored record of those of ``paths`` in the index."""
        return self.metadata.records(paths)

    def add(self, features, records: Sequence[ChipRecord]) -> np.ndarray:
        """Add chips, all or none: every record and feature is checked
        before anything changes.

        Args:
            features: (N, C) their features (any scale; stored L2-normalised).
            records: N :class:`ChipRecord`; paths new to the index.

        Returns:
            (N,) int64 rows given to the chips.

        Raises:
            ValueError: naming the record or row for a bad value, a path
                already in the index or given twice, a count mismatch, or an
                index that needs training.
        """
        where = 'GalleryIndex.add'
        self._check_not_broken(where)
        features = unit_rows(features, self.dim, where)
        records = list(records)
        if len(records) != len(features):
            raise ValueError(f'{where}: {len(features)} features but '
                             f'{len(records)} records')
        for i, record in enumerate(records):
            if not isinstance(record, ChipRecord):
                raise ValueError(f'{where}: record {i} is a '
                                 f'{type(record).__name__}, not a ChipRecord')
        records = [r.normalised(f'{where}: record {i}')
                   for i, r in enumerate(records)]
        paths = [r.path for r in records]
        repeated = [p for p, n in Counter(paths).items() if n > 1]
        if repeated:
            raise ValueError(f'{where}: {len(repeated)} paths occur twice in '
                             f'this batch, e.g. {repeated[0]!r}')
        known = sorted(self.has_paths(paths))
        if known:
            raise ValueError(
                f'{where}: {len(known)} paths are already in {self.directory}'
                f', e.g. {known[0]!r}; leave them out (GalleryIndex.'
                'has_paths)')
        if self.needs_training:
            raise ValueError(
                f'{where}: the {self.spec.kind} index is not trained '
                f'({", ".join(self.vectors.untrained())}); call '
                'GalleryIndex.train(features, modalities) first')
        modalities = np.array([r.modality for r in records], dtype=np.int64)
        positions = self.vectors.next_positions(modalities)
        with self.metadata.transaction():
            rows = self.metadata.insert(records, positions)
            try:
                self.vectors.add(features, modalities)
            except BaseException as error:
                self._broken = f'adding to faiss failed ({error!r})'
                raise
        return rows

    def set_search_params(self, **params) -> None:
        """Change search-time parameters of an approximate index (IVF-PQ:
        ``nprobe``, ``refine_factor``; HNSW: ``ef_search``); kept by the
        next :meth:`save`."""
        unknown = set(params) - set(self.spec.search_keys)
        if unknown:
            raise ValueError(
                f'GalleryIndex.set_search_params: {sorted(unknown)} are not '
                f'search parameters of the {self.spec.kind} index; expected '
                f'some of {list(self.spec.search_keys)}')
        spec = check_spec(replace(self.spec, **params),
                          'GalleryIndex.set_search_params')
        self.manifest = replace(self.manifest, spec=spec)
        self.vectors.spec = spec

    def search(self,
               queries,
               topk: int,
               modality: Union[None, int, str] = None,
               where: Optional[ChipFilter] = None,
               filter_stage: str = 'before',
               overfetch: int = 4) -> List[List[SearchHit]]:
        """The ``topk`` gallery chips nearest to each query.

        Order: smallest distance (``1 - cos``, float32 rounding clipped to
        ``[0, 2]``) first; equal distances: the
        chip added first (lower row) first, also for who makes the cut at
        the ``topk``-th place of the exact index.

        Args:
            queries: (Q, C) query features (any scale).
            topk: hits per query.
            modality: gallery chips searched: ``'optical'`` / 0, ``'sar'``
                / 1, or ``'any'`` / None (both). A cross-modal search of an
                optical query passes ``'sar'``; it never returns optical
                chips.
            where: metadata conditions (capture time, sensor, ship id).
            filter_stage: ``'before'``: only chips passing ``where`` are
                searched (faiss ID selector), so up to ``topk`` of them
                come back (the exact index: the nearest ``topk`` of them;
                IVF-PQ scans ``nprobe`` lists only and finds fewer when few
                chips there pass);
                ``'after'``: the ``overfetch * topk`` nearest chips of all
                are looked up and those failing ``where`` dropped, so fewer
                than ``topk`` may remain (but the search costs the same
                whatever the filter).
            overfetch: candidates per hit for ``filter_stage='after'``.

        Returns:
            Per query, its hits (at most ``topk``), nearest first.
        """
        search = 'GalleryIndex.search'
        self._check_not_broken(search)
        if isinstance(topk, bool) or not isinstance(topk, int) or topk < 1:
            raise ValueError(f'{search}: topk={topk!r} must be a positive '
                             'integer')
        if filter_stage not in FILTER_STAGES:
            raise ValueError(f'{search}: filter_stage={filter_stage!r}; '
                             f'expected one of {FILTER_STAGES}')
        if isinstance(overfetch, bool) or not isinstance(
                overfetch, int) or overfetch < 1:
            raise ValueError(f'{search}: overfetch={overfetch!r} must be a '
                             'positive integer')
        queries = unit_rows(queries, self.dim, f'{search} queries')
        if not len(queries):
            return []
        hits: List[list] = [[] for _ in range(len(queries))]
        post_filter = where if filter_stage == 'after' else None
        for code in self._searched_modalities(modality):
            allowed = None if where is None or post_filter else \
                self.metadata.positions(code, where)
            ranked = self.vectors.search(
                queries, topk * overfetch if post_filter else topk, code,
                allowed)
            chips = self.metadata.chips_at(
                code, np.unique(np.concatenate([p for _, p in ranked])),
                post_filter)
            for query_hits, (similarities, positions) in zip(hits, ranked):
                query_hits += [(-similarity, *chips[position])
                               for similarity, position in zip(
                                   similarities.tolist(), positions.tolist())
                               if position in chips]
        return [[
            SearchHit(min(max(1.0 + negative, 0.0), 2.0), row, chip)
            for negative, row, chip in sorted(
                query_hits, key=lambda hit: hit[:2])[:topk]
        ] for query_hits in hits]

    def save(self) -> None:
        """Write the in-memory state as the next version, atomically (see
        the module docstring)."""
        self._check_not_broken('GalleryIndex.save')
        counts = {name: self.vectors.count(code)
                  for code, name in MODALITY_NAMES.items()}
        manifest = replace(
            self.manifest, version=self.manifest.version + 1, counts=counts)
        folder = self.directory / manifest.folder
        if folder.exists():  # left by a save that was killed
            shutil.rmtree(folder)
        folder.mkdir()
        with self.metadata.transaction():
            self.metadata.set_meta(dict(index=spec_to_dict(manifest.spec)))
        self.vectors.write(folder)
        self.metadata.dump(folder / MetadataStore.FILE_NAME)
        fsync_directory(folder)
        fsync_directory(self.directory)
        manifest.write(self.directory)
        self.manifest = manifest
        for stale in self.directory.iterdir():
            if stale.name != manifest.folder and stale.is_dir() and \
                    VERSION_FOLDER.fullmatch(stale.name):
                shutil.rmtree(stale)
        for stale in self.directory.glob(MANIFEST_TEMPORARY):
            stale.unlink()

    def _searched_modalities(self, modality: Union[None, int, str]
                             ) -> List[int]:
        if modality is None or (isinstance(modality, str)
                                and modality.lower() == 'any'):
            return list(MODALITY_NAMES)
        try:
            return [parse_modality(modality)]
        except ValueError:
            raise ValueError(f'GalleryIndex.search: modality={modality!r}; '
                             "expected 'optical' / 0, 'sar' / 1 or 'any' / "
                             'None') from None

    def _check_not_broken(self, where: str) -> None:
        if self._broken:
            raise RuntimeError(
                f'{where}: the in-memory index of {self.directory} is '
                f'inconsistent since {self._broken}; open it again from disk')
