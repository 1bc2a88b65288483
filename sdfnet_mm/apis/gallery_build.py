"""Add the chips of an archive to a gallery index with a model, in chunks
saved one by one, so that a killed build leaves the last saved index and
a rerun adds only the chips not yet in it (``tools/build_index.py``)."""
from pathlib import Path
from typing import List, Mapping, Optional, Sequence

import numpy as np
from mmengine.utils import ProgressBar

from sdfnet_mm.retrieval import ChipRecord, GalleryIndex
from sdfnet_mm.retrieval.index_manifest import IndexManifest
from sdfnet_mm.retrieval.index_spec import IndexSpec
from .inferencer import ReIDInferencer

#: faiss' k-means warns below this many training rows per centroid.
ROWS_PER_CENTROID = 39


def holds_index(directory: Path) -> bool:
    """Whether ``directory`` holds a gallery index (its manifest)."""
    return (Path(directory) / IndexManifest.FILE_NAME).is_file()


class GalleryBuild:
    """Adds chips to the index in ``directory`` (created at the first
    chunk, when the feature dimension is known).

    Args:
        inferencer: the model, with its checkpoint.
        directory: the index folder.
        approx: the index kind of a new index (None: exact).
        train_size: chips per modality an IVF-PQ index is trained on
            (None: 39 per centroid); the first chips are held in memory
            until each modality has that many or the chips end.
        sensor: sensor name by modality code, recorded for each chip.
    """

    def __init__(self,
                 inferencer: ReIDInferencer,
                 directory: Path,
                 approx: Optional[IndexSpec] = None,
                 train_size: Optional[int] = None,
                 sensor: Optional[Mapping[int, str]] = None) -> None:
        self.inferencer = inferencer
        self.directory = Path(directory)
        self.approx = approx
        self.sensor = dict(sensor or {})
        self.fingerprint = inferencer.fingerprint()
        self.index = GalleryIndex.open(self.directory, self.fingerprint) \
            if holds_index(self.directory) else None
        self.train_size = train_size
        self._pending: List[tuple] = []  # (features, records) to train on

    def missing(self, paths: Sequence[str]) -> List[str]:
        """Those of ``paths`` not yet in the index, in their order."""
        if self.index is None:
            return list(paths)
        known = self.index.has_paths(paths)
        return [path for path in paths if path not in known]

    def add(self, paths: Sequence[str], save_every: int, batch_size: int,
            **chip_kwargs) -> int:
        """Add the chips ``paths`` (none in the index yet) in chunks of
        ``save_every``, each saved when added; returns the chips added.

        Raises:
            ValueError: naming the file of an unreadable chip (or one
                whose GSD, scale or bands are unknown); nothing of its chunk
                is added, the chunks before it are saved.
        """
        progress = ProgressBar(len(paths))
        added = 0
        for start in range(0, len(paths), save_every):
            chunk = paths[start:start + save_every]
            infos = self.inferencer.chips(chunk, **chip_kwargs)
            results = self.inferencer(infos, batch_size=batch_size)
            records = [
                ChipRecord.of_chip(info['chip'], info['identity'],
                                   self.sensor.get(info['modality']))
                for info in infos
            ]
            added += self._add(results['features'], records, last=False)
            progress.update(len(chunk))
        added += self._add(None, [], last=True)
        print()
        return added

    def _add(self, features: Optional[np.ndarray],
             records: List[ChipRecord], last: bool) -> int:
        """Add one chunk and save; an untrained IVF-PQ index keeps chunks
        until it can be trained (``last``: no more chunks)."""
        if self.index is None and features is not None:
            self.index = GalleryIndex.create(self.directory,
                                             features.shape[1],
                                             self.fingerprint, self.approx)
        if self.index is None:
            return 0
        if features is not None:
            self._pending.append((features, records))
        if self.index.needs_training:
            if not self._pending or not (last or self._enough_to_train()):
                return 0
            self._train()
        if not self._pending:
            return 0
        features = np.concatenate([f for f, _ in self._pending])
        records = [r for _, chunk in self._pending for r in chunk]
        self._pending = []
        self.index.add(features, records)
        self.index.save()
        return len(records)

    def _training_rows(self) -> int:
        needed = self.index.spec.min_training_rows()
        return max(needed, self.train_size or ROWS_PER_CENTROID * needed)

    def _enough_to_train(self) -> bool:
        modalities = [r.modality for _, chunk in self._pending for r in chunk]
        counts = np.bincount(np.asarray(modalities, dtype=np.int64),
                             minlength=2)
        return bool((counts >= self._training_rows()).all())

    def _train(self) -> None:
        features = np.concatenate([f for f, _ in self._pending])
        modalities = np.array(
            [r.modality for _, chunk in self._pending for r in chunk])
        rows = self._training_rows()
        chosen = np.concatenate([
            np.flatnonzero(modalities == code)[:rows] for code in (0, 1)
        ])
        self.index.train(features[chosen], modalities[chosen])
