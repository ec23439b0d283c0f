"""The embedded default engine: LanceDB under the data dir (BM25 + vectors + pre-filters).

LanceDB is the store of record; every read (BM25, vectors, fetch, browse) is served by an
in-memory mirror of its rows (`memory_mirror.py`), kept in step by this adapter's writes.
Another process's writes (the ingest CLI, another replica) reach it through `refresh`: every row
carries the time it was written, so a refresh reads only rows written since the last one, and
only when the table's version moved. LanceDB's FTS and scalar indices are still built, for tools
that read the table directly and for merges by id.

`lancedb` is imported here, at module level: importing it lazily from two worker threads at
once fails inside its own circular imports.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import lancedb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from subgraphs.content.search.adapters.engines.memory_mirror import MemoryMirror
from subgraphs.content.search.domain.model import IndexedTitle, RawHit, SearchFilters

__all__ = ["LanceSearchIndex"]

_SCALAR_INDICES = (("id", "BTREE"), ("genres", "LABEL_LIST"), ("availability", "LABEL_LIST"),
                   ("year", "BTREE"), ("runtime", "BTREE"), ("rating", "BTREE"),
                   ("written_at", "BTREE"))
# How far back a refresh looks before the newest row it has seen (a commit's own duration).
_STAMP_MARGIN_NS = 5 * 1_000_000_000
# What the mirror holds besides the vector.
_MIRRORED = ["id", "title", "text", "kind", "genres", "availability", "year", "runtime",
             "rating", "age_rating", "popularity"]


def _columns(data: pa.Table) -> tuple[dict[str, list[Any]], np.ndarray]:
    """A table read back as the mirror takes it: columns as lists, vectors as one matrix."""
    vectors = data.column("vector").combine_chunks().flatten()
    return ({name: data.column(name).to_pylist() for name in _MIRRORED},
            vectors.to_numpy(zero_copy_only=False))


def _schema(dimensions: int) -> pa.Schema:
    return pa.schema([
        pa.field("id", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("text", pa.string()),
        pa.field("kind", pa.string()),
        pa.field("genres", pa.list_(pa.string())),
        pa.field("availability", pa.list_(pa.string())),
        pa.field("year", pa.int32()),
        pa.field("runtime", pa.int32()),
        pa.field("rating", pa.float32()),
        pa.field("age_rating", pa.int32()),
        pa.field("popularity", pa.float32()),
        pa.field("vector", pa.list_(pa.float32(), dimensions)),
        # Nanoseconds since the epoch when the row was written: what `refresh` reads after.
        pa.field("written_at", pa.int64()),
    ])


def _row(title: IndexedTitle) -> dict[str, Any]:
    return {
        "id": str(title.id), "title": title.title, "text": title.text, "kind": title.kind,
        "genres": list(title.genres), "availability": list(title.availability),
        "year": title.year, "runtime": title.runtime, "rating": title.rating,
        "age_rating": title.age_rating, "popularity": title.popularity,
        "vector": list(title.vector), "written_at": time.time_ns(),
    }


class LanceSearchIndex:
    """One LanceDB table per vector space (`name` = provider + dimensions).

    LanceDB's Python API is synchronous; calls run in a worker thread, and writes are serialised
    by a lock (LanceDB commits are optimistic; one writer per process avoids retries).
    """

    def __init__(self, directory: Path, name: str, dimensions: int) -> None:
        self.name = name
        self.dimensions = dimensions
        self._directory = directory
        self._table_handle: Any = None
        self._open_lock = threading.Lock()
        self._write_lock = asyncio.Lock()
        self._fts_ready = False
        self._mirror = MemoryMirror(dimensions)
        # Loaded on the first read (or `warm`), so processes that only write (seeding, the
        # ingest CLI) never build it; held while writing so a load never misses a write.
        self._mirror_lock = threading.Lock()
        self._mirror_ready = False
        # What the mirror has taken in: the table version, and the newest row's write time.
        self._seen_version = -1
        self._seen_written_at = 0

    @property
    def _table(self) -> Any:
        """Opened (or created) on first use, so building the app touches no disk."""
        with self._open_lock:
            return self._open()

    def _open(self) -> Any:
        if self._table_handle is None:
            self._directory.mkdir(parents=True, exist_ok=True)
            db = lancedb.connect(str(self._directory))
            try:
                table = db.open_table(self.name)
                if "written_at" not in table.schema.names:  # written before rows were stamped
                    table.add_columns({"written_at": "cast(0 as bigint)"})
                indices = {cfg.name for cfg in table.list_indices()}
                self._fts_ready = any("title" in n for n in indices) and any(
                    "text" in n for n in indices)
            except ValueError:
                table = db.create_table(self.name, schema=_schema(self.dimensions),
                                        exist_ok=True)
            self._table_handle = table
        return self._table_handle

    def _load_mirror(self, table: Any) -> None:
        """Every row into the mirror: ~8 s CPU at 100k titles (read, train the lists, BM25)."""
        table.checkout_latest()
        version = table.version
        data = table.to_arrow().select([*_MIRRORED, "vector", "written_at"])
        self._mirror.reset(*_columns(data))
        self._seen(version, data)

    def _seen(self, version: int, data: pa.Table) -> None:
        self._seen_version = version
        if data.num_rows:
            newest = pc.max(data.column("written_at")).as_py() or 0
            self._seen_written_at = max(self._seen_written_at, newest)

    def _refresh_sync(self) -> int:
        with self._mirror_lock:
            if not self._mirror_ready:
                return 0  # the first read loads everything there is then
            table = self._table
            table.checkout_latest()
            version = table.version
            if version == self._seen_version:
                return 0
            # A writer stamps rows before its commit lands: look back a while, re-reading a
            # few rows twice rather than missing one.
            since = self._seen_written_at - _STAMP_MARGIN_NS
            data = (table.search().where(f"written_at >= {since}").limit(None)
                    .select([*_MIRRORED, "vector", "written_at"]).to_arrow())
            if data.num_rows:
                self._mirror.upsert(*_columns(data))
            self._seen(version, data)
            if table.count_rows() != len(self._mirror) or self._mirror.needs_rebuild:
                self._load_mirror(table)  # rows were deleted elsewhere: start over
            return data.num_rows

    async def refresh(self) -> int:
        return await asyncio.to_thread(self._refresh_sync)

    def _mirrored(self) -> MemoryMirror:
        if not self._mirror_ready:
            with self._mirror_lock:
                if not self._mirror_ready:
                    self._load_mirror(self._table)
                    self._mirror_ready = True
        return self._mirror

    async def warm(self) -> None:
        await asyncio.to_thread(self._mirrored)

    # -- writes ---------------------------------------------------------------------------

    async def upsert(self, titles: Sequence[IndexedTitle]) -> None:
        if not titles:
            return
        for title in titles:
            if len(title.vector) != self.dimensions:
                raise ValueError(f"{title.id}: vector has {len(title.vector)} dimensions, "
                                 f"index {self.name} holds {self.dimensions}")
        rows = [_row(title) for title in titles]
        async with self._write_lock:
            await asyncio.to_thread(self._upsert_sync, rows)

    def _upsert_sync(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            table = pa.Table.from_pylist(rows, schema=self._table.schema)
            with self._mirror_lock:
                (self._table.merge_insert("id").when_matched_update_all()
                 .when_not_matched_insert_all().execute(table))
                if self._mirror_ready:
                    self._mirror.upsert(
                        {name: [row[name] for row in rows] for name in _MIRRORED},
                        np.asarray([row["vector"] for row in rows], dtype=np.float32))
                    self._seen_written_at = max(row["written_at"] for row in rows)
                    if self._mirror.needs_rebuild:
                        self._load_mirror(self._table)
        if not self._fts_ready:
            with warnings.catch_warnings():  # the replacement API takes no column list yet
                warnings.simplefilter("ignore", DeprecationWarning)
                self._table.create_fts_index("title", use_tantivy=False, replace=True)
                self._table.create_fts_index("text", use_tantivy=False, replace=True)
                # LanceDB's own queries scan every row without these (137 vs 39 ms at 100k).
                for column, kind in _SCALAR_INDICES:
                    self._table.create_scalar_index(column, index_type=kind, replace=True)
            self._fts_ready = True

    async def rebuild_indices(self) -> None:
        """Build the FTS and scalar indices anew over all rows: after a bulk load, so no rows
        are left to a flat scan. (Vectors need no LanceDB index: the mirror serves them.)"""
        def rebuild() -> None:
            self._table.optimize()  # one fragment instead of one per batch
            self._fts_ready = False
            self._upsert_sync([])

        async with self._write_lock:
            await asyncio.to_thread(rebuild)

    async def optimize(self) -> None:
        """Fold rows added since the indices were built into them (after a large import)."""
        async with self._write_lock:
            await asyncio.to_thread(self._table.optimize)

    async def delete(self, ids: Sequence[uuid.UUID]) -> None:
        if not ids:
            return
        predicate = "id IN (" + ", ".join(f"'{uuid.UUID(str(i))}'" for i in ids) + ")"
        def delete() -> None:
            with self._mirror_lock:
                self._table.delete(predicate)
                if self._mirror_ready:
                    self._mirror.delete(uuid.UUID(str(i)) for i in ids)

        async with self._write_lock:
            await asyncio.to_thread(delete)

    async def count(self) -> int:
        return await asyncio.to_thread(self._table.count_rows)

    # -- reads ----------------------------------------------------------------------------

    async def fetch(self, ids: Sequence[uuid.UUID], filters: SearchFilters) -> list[RawHit]:
        if not ids:
            return []
        wanted = [uuid.UUID(str(i)) for i in ids]
        return await asyncio.to_thread(lambda: self._mirrored().fetch(wanted, filters))

    async def browse(self, filters: SearchFilters, limit: int) -> list[RawHit]:
        return await asyncio.to_thread(lambda: self._mirrored().browse(filters, limit))

    async def keyword(self, query: str, filters: SearchFilters, limit: int) -> list[RawHit]:
        return await asyncio.to_thread(lambda: self._mirrored().keyword(query, filters, limit))

    async def vector(
        self, vector: Sequence[float], filters: SearchFilters, limit: int
    ) -> list[RawHit]:
        return await asyncio.to_thread(lambda: self._mirrored().vector(vector, filters, limit))

    async def close(self) -> None:
        return None
