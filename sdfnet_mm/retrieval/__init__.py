"""Persistent gallery index: which archived ship chips is this detection?

Features live in faiss (one index per modality, exact inner product on
L2-normalised features by default, IVF-PQ with exact re-ranking or HNSW by
option), metadata in SQLite, both saved atomically with a manifest. This
subpackage imports faiss (``pip install sdfnet_mm[retrieval]``); nothing
else in ``sdfnet_mm`` imports it.
"""
from .chip_filter import ChipFilter
from .chip_record import ChipRecord
from .gallery_index import GalleryIndex
from .index_spec import ExactSpec, HNSWSpec, IVFPQSpec
from .model_fingerprint import ModelFingerprint
from .search_hit import SearchHit

__all__ = [
    'ChipFilter', 'ChipRecord', 'ExactSpec', 'GalleryIndex', 'HNSWSpec',
    'IVFPQSpec', 'ModelFingerprint', 'SearchHit'
]
