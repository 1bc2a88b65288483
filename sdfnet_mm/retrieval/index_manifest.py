"""The file that says which saved version of a gallery index is current.

A gallery index folder holds ``manifest.json`` and version folders
``v000001/``, ``v000002/``, ... (each: ``optical.faiss``, ``sar.faiss``,
``chips.sqlite``). A save writes a new version folder completely, flushes
it to disk, then replaces ``manifest.json`` in one ``os.replace``
(:class:`~sdfnet_mm.engine.fileio.AtomicLocalBackend`): that rename is the
commit. Whenever a writer is killed, the manifest names a complete
version.
"""
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict

from sdfnet_mm.engine.fileio import AtomicLocalBackend

from .index_spec import IndexSpec, spec_from_dict, spec_to_dict
from .model_fingerprint import ModelFingerprint

FORMAT = 'sdfnet_mm gallery index'
FORMAT_VERSION = 1


@dataclass(frozen=True)
class IndexManifest:
    """What ``manifest.json`` records.

    Attributes:
        version: number of the current version folder (0: none yet).
        dim: feature dimension C.
        spec: index kind and parameters.
        fingerprint: the model that embedded the features.
        counts: chips per modality name (``'optical'``, ``'SAR'``).
    """
    version: int
    dim: int
    spec: IndexSpec
    fingerprint: ModelFingerprint
    counts: Dict[str, int]

    FILE_NAME = 'manifest.json'

    @property
    def folder(self) -> str:
        """Name of the version folder."""
        return f'v{self.version:06d}'

    def to_dict(self) -> dict:
        return dict(
            format=FORMAT,
            format_version=FORMAT_VERSION,
            version=self.version,
            folder=self.folder,
            dim=self.dim,
            index=spec_to_dict(self.spec),
            fingerprint=self.fingerprint.to_dict(),
            counts=self.counts)

    def write(self, directory: Path) -> None:
        """Replace ``directory/manifest.json`` atomically and durably."""
        AtomicLocalBackend().put_text(
            json.dumps(self.to_dict(), indent=1), directory / self.FILE_NAME)
        fsync_directory(directory)

    @classmethod
    def read(cls, directory: Path) -> 'IndexManifest':
        """Read ``directory/manifest.json``.

        Raises:
            FileNotFoundError: when ``directory`` holds no manifest.
            ValueError: naming the file for a manifest of another format
                or with missing or bad keys.
        """
        path = directory / cls.FILE_NAME
        if not path.is_file():
            raise FileNotFoundError(
                f'{path} not found: {directory} is not a gallery index '
                '(create one with GalleryIndex.create)')
        try:
            fields = json.loads(path.read_text())
            if fields.get('format') != FORMAT or \
                    fields.get('format_version') != FORMAT_VERSION:
                raise ValueError(
                    f"format {fields.get('format')!r} version "
                    f"{fields.get('format_version')!r}; expected {FORMAT!r} "
                    f'version {FORMAT_VERSION}')
            return cls(
                version=int(fields['version']),
                dim=int(fields['dim']),
                spec=spec_from_dict(fields['index'], str(path)),
                fingerprint=ModelFingerprint.from_dict(
                    fields['fingerprint'], str(path)),
                counts={name: int(count)
                        for name, count in fields['counts'].items()})
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ValueError(f'{path}: not a readable gallery index manifest'
                             f' ({type(error).__name__}: {error})') from None


def fsync_directory(directory: Path) -> None:
    """Flush ``directory``'s entries (new files, renames) to disk."""
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
