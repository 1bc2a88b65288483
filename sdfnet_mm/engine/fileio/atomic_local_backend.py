"""A local file backend whose writes are atomic (checkpoints survive kills).

MMEngine writes a checkpoint, then ``last_checkpoint``, with plain
``open(path, 'wb')``: a process killed mid-write leaves a truncated file
under the final name. Here every write goes to a temporary file in the same
folder, is flushed to disk, and replaces the target with ``os.replace``
(atomic on POSIX), so a reader sees the old file or the new one, never a
partial one. Registered as ``'atomic_local'`` by
:func:`sdfnet_mm.utils.setup_process`; select it with
``backend_args=dict(backend='atomic_local')`` (the default runtime does so
for the checkpoint hook).
"""
import os
import os.path as osp
import tempfile
from pathlib import Path
from typing import Union

import mmengine
from mmengine.fileio import LocalBackend


class AtomicLocalBackend(LocalBackend):
    """:class:`LocalBackend` with atomic ``put`` / ``put_text``."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        self._write_atomically(obj, str(filepath))

    def put_text(self, obj: str, filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        self._write_atomically(obj.encode(encoding), str(filepath))

    @staticmethod
    def _write_atomically(data: bytes, filepath: str) -> None:
        folder = osp.dirname(osp.abspath(filepath))
        mmengine.mkdir_or_exist(folder)
        handle, temporary = tempfile.mkstemp(
            dir=folder, prefix=f'.{osp.basename(filepath)}.', suffix='.tmp')
        try:
            with os.fdopen(handle, 'wb') as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temporary, filepath)
        except BaseException:
            if osp.exists(temporary):
                os.remove(temporary)
            raise

