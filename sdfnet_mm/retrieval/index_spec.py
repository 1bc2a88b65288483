"""Which faiss index holds the features of one modality, and how it is
searched.

All kinds rank by inner product on L2-normalised features (cosine) and
return exact similarities:

- :class:`ExactSpec`: ``IndexFlatIP``, brute force, the default;
- :class:`IVFPQSpec`: ``IVF{nlist},PQ{m}x{nbits},Refine(Flat)``: an
  inverted file of product-quantised codes gives ``refine_factor * k``
  candidates, re-ranked by their exact similarity (the flat refine index
  keeps the float32 features); needs :meth:`GalleryIndex.train`;
- :class:`HNSWSpec`: ``HNSW{m},Flat``: a graph over the float32 features.

Build parameters are fixed once the index exists; search parameters
(``nprobe``, ``refine_factor``, ``ef_search``) may be changed on an open
index (:meth:`GalleryIndex.set_search_params`).
"""
import dataclasses
from dataclasses import dataclass
from typing import ClassVar, Optional, Tuple, Union

import faiss


@dataclass(frozen=True)
class ExactSpec:
    """Brute-force inner product (``faiss.IndexFlatIP``)."""
    kind: ClassVar[str] = 'exact'
    faiss_type: ClassVar[type] = faiss.IndexFlat
    search_keys: ClassVar[Tuple[str, ...]] = ()

    def factory_string(self) -> str:
        return 'Flat'

    def search_parameters(
            self,
            selector: Optional[faiss.IDSelector]) -> faiss.SearchParameters:
        """Parameters of one search restricted to ``selector`` (None: all
        rows)."""
        return faiss.SearchParameters(sel=selector)

    def min_training_rows(self) -> int:
        return 0


@dataclass(frozen=True)
class IVFPQSpec:
    """IVF-PQ candidates re-ranked exactly.

    Attributes:
        nlist: inverted lists (k-means centroids) per modality.
        m: PQ sub-quantizers; must divide the feature dimension.
        nbits: bits per sub-quantizer code.
        nprobe: lists scanned per query.
        refine_factor: candidates re-ranked exactly = ``refine_factor * k``.
    """
    nlist: int = 2048
    m: int = 96
    nbits: int = 8
    nprobe: int = 16
    refine_factor: int = 16
    kind: ClassVar[str] = 'ivfpq'
    faiss_type: ClassVar[type] = faiss.IndexRefine
    search_keys: ClassVar[Tuple[str, ...]] = ('nprobe', 'refine_factor')

    def factory_string(self) -> str:
        return f'IVF{self.nlist},PQ{self.m}x{self.nbits},Refine(Flat)'

    def search_parameters(
            self,
            selector: Optional[faiss.IDSelector]) -> faiss.SearchParameters:
        """The selector goes to the IVF search: re-ranking sees only
        allowed candidates."""
        return faiss.IndexRefineSearchParameters(
            k_factor=self.refine_factor,
            base_index_params=faiss.SearchParametersIVF(
                nprobe=self.nprobe, sel=selector))

    def min_training_rows(self) -> int:
        """faiss' k-means needs one point per centroid (it warns below 39)."""
        return max(self.nlist, 2**self.nbits)

    def prepare_training(self, index: faiss.Index) -> None:
        """Training settings of a new or read index (faiss does not save
        them): no polysemous codes (Hamming pre-filtering, unused here;
        their annealing takes 50x the k-means time); PQ codebooks from at
        most 64 rows per centroid instead of 256, which halved the training
        time at 100k SAR chips with the same recall@10 (0.978 / 0.993 at
        nprobe 16, refine factor 8 / 16)."""
        ivfpq = faiss.downcast_index(index.base_index)
        ivfpq.do_polysemous_training = False
        ivfpq.pq.cp.max_points_per_centroid = 64


@dataclass(frozen=True)
class HNSWSpec:
    """HNSW graph over the float32 features.

    Attributes:
        m: graph neighbours per node.
        ef_construction: search width while adding.
        ef_search: search width per query (at least ``k`` is used).
    """
    m: int = 32
    ef_construction: int = 40
    ef_search: int = 128
    kind: ClassVar[str] = 'hnsw'
    faiss_type: ClassVar[type] = faiss.IndexHNSW
    search_keys: ClassVar[Tuple[str, ...]] = ('ef_search', )

    def factory_string(self) -> str:
        return f'HNSW{self.m},Flat'

    def search_parameters(
            self,
            selector: Optional[faiss.IDSelector]) -> faiss.SearchParameters:
        return faiss.SearchParametersHNSW(efSearch=self.ef_search,
                                          sel=selector)

    def min_training_rows(self) -> int:
        return 0


IndexSpec = Union[ExactSpec, IVFPQSpec, HNSWSpec]
SPEC_OF_KIND = {spec.kind: spec for spec in (ExactSpec, IVFPQSpec, HNSWSpec)}


def build_faiss_index(spec: IndexSpec, dim: int) -> faiss.Index:
    """An empty faiss index of ``spec`` for ``dim``-d features."""
    index = faiss.index_factory(dim, spec.factory_string(),
                                faiss.METRIC_INNER_PRODUCT)
    if isinstance(spec, HNSWSpec):
        index.hnsw.efConstruction = spec.ef_construction
    return index


def check_spec(spec: IndexSpec, where: str) -> IndexSpec:
    """``spec`` when it is one of the specs and every parameter a positive
    integer, else ``ValueError`` naming ``where`` and the parameter."""
    if not isinstance(spec, tuple(SPEC_OF_KIND.values())):
        raise ValueError(f'{where}: {spec!r} is not an index spec; expected '
                         'ExactSpec, IVFPQSpec or HNSWSpec')
    for name, value in dataclasses.asdict(spec).items():
        if isinstance(value, bool) or not isinstance(value, int) \
                or value < 1:
            raise ValueError(f'{where}: {spec.kind} parameter {name}='
                             f'{value!r} must be a positive integer')
    return spec


def spec_to_dict(spec: IndexSpec) -> dict:
    """``{'kind': ..., **parameters}`` (JSON-serialisable)."""
    return dict(kind=spec.kind, **dataclasses.asdict(spec))


def spec_from_dict(params: dict, where: str) -> IndexSpec:
    """Inverse of :func:`spec_to_dict`; ``ValueError`` naming ``where`` for
    an unknown kind or parameter."""
    params = dict(params)
    kind = params.pop('kind', None)
    if kind not in SPEC_OF_KIND:
        raise ValueError(f'{where}: index kind {kind!r} is unknown; expected '
                         f'one of {sorted(SPEC_OF_KIND)}')
    try:
        spec = SPEC_OF_KIND[kind](**params)
    except TypeError as error:
        raise ValueError(f'{where}: bad parameters {params} for index kind '
                         f'{kind!r}: {error}') from None
    return check_spec(spec, where)
