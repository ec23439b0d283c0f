"""Bulk SQL for ingestion inside the caller's transaction, one implementation per database.

Ingestion writes tens of thousands of child rows a minute; building Tortoise models or pypika
queries for each cost more than the database's own work. Rows here are plain tuples in a
table's column order, ids are UUID text (SQLite stores them so; asyncpg takes text for `uuid`),
enums their values and JSON columns JSON text. PostgreSQL gets new rows by `COPY`
(asyncpg's `copy_records_to_table`), SQLite by one `executemany` per table.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tortoise import Tortoise

__all__ = ["CREDIT", "OFFER", "PERSON", "TITLE", "TITLE_GENRE", "BulkStore", "Table",
           "bulk_load", "bulk_store"]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    # PostgreSQL types of the columns, for `insert_missing` (rows passed as arrays)
    types: tuple[str, ...] = ()


TITLE = Table("title", (
    "id", "source_key", "kind", "title", "original_title", "overview", "release_date",
    "release_year", "runtime_minutes", "popularity", "average_rating", "vote_count", "imdb_id",
    "tmdb_id", "eidr_id", "collection", "content_hash", "updated_at"))
TITLE_GENRE = Table("title_genre", ("title_id", "genre_id"))
PERSON = Table("person", ("id", "source_key", "name"), ("uuid", "text", "text"))
CREDIT = Table("credit", ("title_id", "person_id", "role", "character", "order"))
OFFER = Table("offer", (
    "id", "title_id", "platform_id", "region", "type", "quality", "price", "currency",
    "audio_languages", "subtitle_languages", "available_from", "available_until", "deep_link",
    "web_url"))

_SQLITE_CHUNK = 500  # ids per IN (...): well under SQLite's bound-parameter limit


class BulkStore(Protocol):
    async def select(self, columns: Sequence[str], table: str, key: str,
                     ids: Sequence[str]) -> list[Sequence[Any]]:
        """`columns` of `table`'s rows whose `key` is one of `ids`."""
        ...

    async def insert(self, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        """New rows; a conflict fails the transaction."""
        ...

    async def insert_missing(self, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        """Rows whose unique keys are not taken yet; the others are left as they are."""
        ...

    async def update(self, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        """Rows by their first column (the id): every other column is set."""
        ...

    async def delete(self, table: str, key: str, ids: Sequence[str]) -> None: ...


def _names(columns: Sequence[str]) -> str:
    return ", ".join(f'"{column}"' for column in columns)


class SqliteStore:
    def __init__(self, connection: Any) -> None:
        self._conn = connection  # Tortoise's transaction client: translates driver errors

    async def select(self, columns: Sequence[str], table: str, key: str,
                     ids: Sequence[str]) -> list[Sequence[Any]]:
        found: list[Sequence[Any]] = []
        for start in range(0, len(ids), _SQLITE_CHUNK):
            chunk = list(ids[start : start + _SQLITE_CHUNK])
            marks = ", ".join("?" * len(chunk))
            _, rows = await self._conn.execute_query(
                f'SELECT {_names(columns)} FROM "{table}" WHERE "{key}" IN ({marks})', chunk)
            found += rows
        return found

    async def insert(self, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        await self._insert(table, rows, "")

    async def insert_missing(self, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        await self._insert(table, rows, " ON CONFLICT DO NOTHING")

    async def _insert(self, table: Table, rows: Sequence[tuple[Any, ...]], tail: str) -> None:
        if rows:
            marks = ", ".join("?" * len(table.columns))
            await self._conn.execute_many(
                f'INSERT INTO "{table.name}" ({_names(table.columns)}) VALUES ({marks}){tail}',
                rows)

    async def update(self, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        if rows:
            key, *rest = table.columns
            sets = ", ".join(f'"{column}" = ?' for column in rest)
            # The id goes last, for the WHERE.
            await self._conn.execute_many(f'UPDATE "{table.name}" SET {sets} WHERE "{key}" = ?',
                                          [(*row[1:], row[0]) for row in rows])

    async def delete(self, table: str, key: str, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), _SQLITE_CHUNK):
            chunk = list(ids[start : start + _SQLITE_CHUNK])
            marks = ", ".join("?" * len(chunk))
            await self._conn.execute_query(f'DELETE FROM "{table}" WHERE "{key}" IN ({marks})',
                                           chunk)


class PostgresStore:
    def __init__(self, connection: Any) -> None:
        self._client = connection  # Tortoise's transaction client; its asyncpg connection below

    async def select(self, columns: Sequence[str], table: str, key: str,
                     ids: Sequence[str]) -> list[Sequence[Any]]:
        if not ids:
            return []
        async with self._client.acquire_connection() as conn:
            return list(await conn.fetch(
                f'SELECT {_names(columns)} FROM "{table}" WHERE "{key}" = ANY($1::uuid[])',
                list(ids)))

    async def insert(self, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        if rows:
            async with self._client.acquire_connection() as conn:
                await conn.copy_records_to_table(table.name, records=rows,
                                                 columns=list(table.columns))

    async def insert_missing(self, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        # COPY has no ON CONFLICT: one INSERT ... SELECT FROM unnest(column arrays) instead.
        if not rows:
            return
        arrays = ", ".join(f"${n}::{kind}[]" for n, kind in enumerate(table.types, start=1))
        columns = [list(column) for column in zip(*rows, strict=True)]
        async with self._client.acquire_connection() as conn:
            await conn.execute(
                f'INSERT INTO "{table.name}" ({_names(table.columns)}) SELECT * FROM '
                f"unnest({arrays}) ON CONFLICT DO NOTHING", *columns)

    async def update(self, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
        if rows:
            key, *rest = table.columns
            sets = ", ".join(f'"{column}" = ${n}' for n, column in enumerate(rest, start=2))
            async with self._client.acquire_connection() as conn:
                await conn.executemany(f'UPDATE "{table.name}" SET {sets} WHERE "{key}" = $1',
                                       rows)

    async def delete(self, table: str, key: str, ids: Sequence[str]) -> None:
        if ids:
            async with self._client.acquire_connection() as conn:
                await conn.execute(f'DELETE FROM "{table}" WHERE "{key}" = ANY($1::uuid[])',
                                   list(ids))


@contextlib.asynccontextmanager
async def bulk_load() -> AsyncIterator[None]:
    """While ingesting into SQLite, commits skip the fsync (`synchronous=NORMAL`; WAL keeps
    the file consistent). A power cut may lose the last batches: the next run writes them again,
    and their events carry the same ids, so consumers drop the repeats. PostgreSQL: unchanged."""
    connection = Tortoise.get_connection("default")
    if connection.capabilities.dialect != "sqlite":
        yield
        return
    _, rows = await connection.execute_query("PRAGMA synchronous")
    before = rows[0][0]
    await connection.execute_script("PRAGMA synchronous=NORMAL")
    try:
        yield
    finally:
        await connection.execute_script(f"PRAGMA synchronous={int(before)}")


def bulk_store(connection: Any) -> BulkStore:
    """The store for a Tortoise transaction client (`in_transaction()`'s connection)."""
    if connection.capabilities.dialect == "postgres":
        return PostgresStore(connection)
    return SqliteStore(connection)
