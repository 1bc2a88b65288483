"""The check that a loaded gallery index's three parts agree."""
from pathlib import Path
from typing import List, Optional

from sdfnet_mm.structures import MODALITY_NAMES

from .index_manifest import IndexManifest
from .index_spec import spec_to_dict
from .metadata_store import MetadataStore
from .model_fingerprint import ModelFingerprint
from .vector_index import VectorIndex

REBUILD = 'rebuild it with tools/build_index.py'


def check_consistency(directory: Path, manifest: IndexManifest,
                      vectors: VectorIndex, metadata: MetadataStore,
                      expected: Optional[ModelFingerprint]) -> None:
    """Raise ``ValueError`` listing every disagreement: per modality the
    faiss row count, the SQLite row count and positions ``0 .. n - 1``, the
    manifest's count; feature dimension, index kind and parameters and
    model fingerprint in manifest, SQLite meta table and faiss files; and
    the fingerprint against ``expected`` (skipped when None)."""
    folder = directory / manifest.folder
    sqlite_file = folder / MetadataStore.FILE_NAME
    manifest_file = directory / IndexManifest.FILE_NAME
    meta = metadata.meta()
    problems: List[str] = []
    for code, name in MODALITY_NAMES.items():
        faiss_file = folder / VectorIndex.FILE_NAMES[code]
        counts = (vectors.count(code), metadata.count(code),
                  manifest.counts.get(name))
        if len(set(counts)) > 1:
            problems.append(
                f'{name} row counts differ: {faiss_file} holds {counts[0]} '
                f'features, {sqlite_file} lists {counts[1]} chips, '
                f'{manifest_file} says {counts[2]}')
        elif metadata.position_range(code) != (0, counts[1] - 1) and \
                counts[1] > 0:
            problems.append(f'{sqlite_file}: the {name} feature positions '
                            f'are not 0 .. {counts[1] - 1}')
        if vectors.dim(code) != manifest.dim:
            problems.append(f'{faiss_file} holds {vectors.dim(code)}-d '
                            f'features; {manifest_file} says {manifest.dim}')
    for key, value in (('dim', manifest.dim),
                       ('index', spec_to_dict(manifest.spec)),
                       ('fingerprint', manifest.fingerprint.to_dict()),
                       ('rows', metadata.count())):
        if meta.get(key) != value:
            problems.append(f'{sqlite_file} meta {key} is {meta.get(key)!r}'
                            f'; {manifest_file} and the chips table say '
                            f'{value!r}')
    if problems:
        raise ValueError(f'{directory}: inconsistent gallery index: ' +
                         '; '.join(problems) + f'; {REBUILD}')
    if expected is not None:
        check_fingerprint(directory, manifest.fingerprint, expected)


def check_fingerprint(directory: Path, recorded: ModelFingerprint,
                      expected: ModelFingerprint) -> None:
    """Raise ``ValueError`` naming ``directory`` and what differs unless
    the index's model (``recorded``) is ``expected``."""
    difference = recorded.difference(expected)
    if difference:
        raise ValueError(f'{directory}: index built with {difference}; '
                         f'{REBUILD} for this model')
