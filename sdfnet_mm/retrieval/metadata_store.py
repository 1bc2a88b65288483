"""The SQLite half of a gallery index: one row per chip and a meta table.

The working copy lives in memory; :meth:`MetadataStore.load` reads a file
into it and :meth:`MetadataStore.dump` writes it to a new file (SQLite's
online backup), so a half-done change is never on disk.

Schema::

    chips(row INTEGER PRIMARY KEY,  -- 0, 1, ... in the order of adding
          path TEXT UNIQUE, modality INTEGER (0 optical, 1 SAR),
          position INTEGER,        -- feature row in that modality's index
          sensor TEXT, gsd REAL,   -- metres per pixel
          capture_time TEXT,       -- UTC ISO-8601, sorts in time order
          ship_id INTEGER,         -- NULL where unknown
          gsd_source TEXT,         -- where gsd comes from
          sar_scale TEXT,          -- how a SAR chip's pixels were read
          optical_bands TEXT)      -- 'R,G,B' bands of an optical chip
    meta(key TEXT PRIMARY KEY, value TEXT)  -- JSON values
"""
import json
import os
import sqlite3
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

import numpy as np

from .chip_filter import ChipFilter
from .chip_record import ChipRecord
from .sql_list import sql_list

SCHEMA = """
CREATE TABLE chips (
    row INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    modality INTEGER NOT NULL CHECK (modality IN (0, 1)),
    position INTEGER NOT NULL,
    sensor TEXT,
    gsd REAL CHECK (gsd IS NULL OR gsd > 0),
    capture_time TEXT,
    ship_id INTEGER,
    gsd_source TEXT,
    sar_scale TEXT,
    optical_bands TEXT,
    UNIQUE (modality, position));
CREATE INDEX chips_by_capture_time ON chips (modality, capture_time);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
CHIP_COLUMNS = ('path, modality, sensor, gsd, capture_time, ship_id, '
                'gsd_source, sar_scale, optical_bands')


class MetadataStore:
    """Chips and meta table of one gallery index, in memory.

    Args:
        connection: an in-memory database with :data:`SCHEMA`.
    """
    FILE_NAME = 'chips.sqlite'

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    @classmethod
    def create(cls, meta: dict) -> 'MetadataStore':
        """An empty store with these meta values (JSON-serialisable)."""
        connection = sqlite3.connect(':memory:')
        connection.executescript(SCHEMA)
        store = cls(connection)
        with connection:
            store.set_meta(meta)
        return store

    @classmethod
    def load(cls, path: Path) -> 'MetadataStore':
        """Read ``path`` into memory.

        Raises:
            ValueError: naming ``path`` when it is not an index's SQLite
                file.
        """
        connection = sqlite3.connect(':memory:')
        try:
            source = sqlite3.connect(
                f'{Path(path).resolve().as_uri()}?mode=ro', uri=True)
            try:
                source.backup(connection)
            finally:
                source.close()
            tables = {name for name, in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.Error as error:
            raise ValueError(f'{path}: not a readable SQLite file ({error})'
                             ) from None
        if not {'chips', 'meta'} <= tables:
            raise ValueError(f'{path}: expected the tables chips and meta, '
                             f'found {sorted(tables)}')
        return cls(connection)

    def dump(self, path: Path) -> None:
        """Write the store to the new file ``path``, flushed to disk."""
        target = sqlite3.connect(path)
        try:
            self.connection.backup(target)
        finally:
            target.close()
        with open(path, 'rb') as f:
            os.fsync(f.fileno())

    def transaction(self) -> sqlite3.Connection:
        """``with store.transaction():`` commits the changes made inside,
        or rolls them all back on an exception."""
        return self.connection

    def meta(self) -> dict:
        """The meta table, values decoded."""
        return {key: json.loads(value) for key, value in
                self.connection.execute('SELECT key, value FROM meta')}

    def set_meta(self, values: dict) -> None:
        """Insert or replace meta values (inside a transaction)."""
        self.connection.executemany(
            'INSERT OR REPLACE INTO meta VALUES (?, ?)',
            [(key, json.dumps(value)) for key, value in values.items()])

    def count(self, modality: Optional[int] = None) -> int:
        """Chips in the store, or of one modality."""
        if modality is None:
            return self.connection.execute(
                'SELECT COUNT(*) FROM chips').fetchone()[0]
        return self.connection.execute(
            'SELECT COUNT(*) FROM chips WHERE modality = ?',
            (modality, )).fetchone()[0]

    def position_range(self, modality: int) -> Tuple[int, int]:
        """(smallest, largest) feature position of ``modality`` (-1, -1
        when it has no chip); with :meth:`count` and the UNIQUE constraint
        this says whether the positions are exactly ``0 .. count - 1``."""
        low, high = self.connection.execute(
            'SELECT MIN(position), MAX(position) FROM chips WHERE '
            'modality = ?', (modality, )).fetchone()
        return (-1, -1) if low is None else (low, high)

    def known_paths(self, paths: Iterable[str]) -> Set[str]:
        """Those of ``paths`` already in the store."""
        return {path for path, in self.connection.execute(
            'SELECT path FROM chips WHERE path IN '
            '(SELECT value FROM json_each(?))', (sql_list(paths), ))}

    def records(self, paths: Iterable[str]) -> Dict[str, ChipRecord]:
        """path -> record of those of ``paths`` in the store."""
        return {fields[0]: ChipRecord(*fields) for fields in
                self.connection.execute(
                    f'SELECT {CHIP_COLUMNS} FROM chips WHERE path IN '
                    '(SELECT value FROM json_each(?))', (sql_list(paths), ))}

    def insert(self, records: List[ChipRecord],
               positions: np.ndarray) -> np.ndarray:
        """Add normalised records (inside a transaction); ``positions`` (N,)
        are their features' rows in their modality's index. Returns their
        rows (N,) int64."""
        first = self.count()
        rows = np.arange(first, first + len(records), dtype=np.int64)
        self.connection.executemany(
            f'INSERT INTO chips (row, position, {CHIP_COLUMNS}) '
            'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [(int(row), int(position), r.path, r.modality, r.sensor, r.gsd,
              r.capture_time, r.ship_id, r.gsd_source, r.sar_scale,
              r.optical_bands)
             for row, position, r in zip(rows, positions, records)])
        self.set_meta({'rows': first + len(records)})
        return rows

    def positions(self, modality: int, where: ChipFilter) -> np.ndarray:
        """(M,) int64 feature positions of the ``modality`` chips that pass
        ``where``, ascending."""
        clause, params = where.sql()
        cursor = self.connection.execute(
            f'SELECT position FROM chips WHERE modality = ?{clause} '
            'ORDER BY position', (modality, *params))
        return np.fromiter((p for p, in cursor), dtype=np.int64)

    def chips_at(self, modality: int, positions: np.ndarray,
                 where: Optional[ChipFilter] = None
                 ) -> Dict[int, Tuple[int, ChipRecord]]:
        """position -> (row, record) for those ``positions`` of ``modality``
        whose chips pass ``where`` (all of them when None)."""
        clause, params = where.sql() if where is not None else ('', [])
        cursor = self.connection.execute(
            f'SELECT position, row, {CHIP_COLUMNS} FROM chips WHERE '
            'modality = ? AND position IN (SELECT value FROM json_each(?))'
            f'{clause}', (modality, sql_list(positions), *params))
        return {position: (row, ChipRecord(*fields))
                for position, row, *fields in cursor}
