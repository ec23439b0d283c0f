"""The connection an ingestion run writes through, one implementation per database.

Ingestion writes tens of thousands of rows a minute; building Tortoise models or pypika queries
for each cost more than the database's own work. Rows here are plain tuples in a table's column
order, ids are UUID text (SQLite stores them so; asyncpg takes text for `uuid`), enums their
values and JSON columns JSON text.

A run holds one connection of its own, so its open transaction never mixes with the app's
queries. Writes come as a list of steps applied all or nothing (a savepoint), and several
batches share one transaction until `commit`: a commit rewrites every page a batch touched, and
titles' random ids touch pages all over each index.
- SQLite: a `sqlite3` connection on a thread of its own, which runs a batch's steps back to back
  (one hop per batch, not per statement); `synchronous=NORMAL` while the run lasts (WAL keeps
  the file consistent; a power cut may lose the last commits, which the next run writes again,
  and their events carry the same ids, so consumers drop the repeats).
- PostgreSQL: a connection from Tortoise's pool; new rows by `COPY`.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

import orjson
from tortoise import Tortoise

__all__ = ["CREDIT", "OFFER", "OFFER_HISTORY", "OUTBOX", "PERSON", "TITLE", "TITLE_GENRE", "Delete",
           "IngestSession", "Insert", "Step", "Table", "Update", "ingest_session"]

T = TypeVar("T")


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    # PostgreSQL types of the columns, for `Insert(missing_only=True)` (rows passed as arrays)
    types: tuple[str, ...] = ()


TITLE = Table("title", (
    "id", "source_key", "kind", "title", "original_title", "overview", "release_date",
    "release_year", "runtime_minutes", "popularity", "average_rating", "vote_count", "imdb_id",
    "tmdb_id", "eidr_id", "collection", "content_hash", "updated_at", "sort_title"))
TITLE_GENRE = Table("title_genre", ("title_id", "genre_id"))
PERSON = Table("person", ("id", "source_key", "name"), ("uuid", "text", "text"))
CREDIT = Table("credit", ("title_id", "person_id", "role", "character", "order"))
OFFER = Table("offer", (
    "id", "title_id", "platform_id", "region", "type", "quality", "price", "currency",
    "audio_languages", "subtitle_languages", "available_from", "available_until", "deep_link",
    "web_url"))

# One row per offer change (`subgraphs/content/availability`); `id` is the database's.
OFFER_HISTORY = Table("offer_history", (
    "offer_id", "title_id", "platform_id", "region", "offer_type", "quality", "kind", "old_price",
    "new_price", "currency", "at"))


# Events staged with the rows they report (`subgraphs.common.outbox`); `seq` is the database's.
OUTBOX = Table("outbox", ("event_id", "type", "occurred_at", "payload"))


@dataclass(frozen=True)
class Insert:
    """New rows; a conflict fails the step. `missing_only`: rows whose unique keys are taken
    are left as they are (a known person keeps their row)."""

    table: Table
    rows: Sequence[tuple[Any, ...]]
    missing_only: bool = False


@dataclass(frozen=True)
class Update:
    """Rows by their first column (the id): every other column is set."""

    table: Table
    rows: Sequence[tuple[Any, ...]]


@dataclass(frozen=True)
class Delete:
    table: str
    key: str
    ids: Sequence[str]
    # The key column's PostgreSQL type: ids are uuid, the outbox's event ids are text.
    kind: str = "uuid"


Step = Insert | Update | Delete


class IngestSession(Protocol):
    @property
    def dirty(self) -> bool:
        """Whether applied steps wait for a commit."""
        ...

    async def select(self, columns: Sequence[str], table: str, key: str,
                     ids: Sequence[str]) -> list[Sequence[Any]]:
        """`columns` of `table`'s rows whose `key` is one of `ids`, uncommitted steps included."""
        ...

    async def apply(self, steps: Sequence[Step]) -> None:
        """Run `steps` in the open transaction, all or none of them."""
        ...

    async def commit(self) -> None: ...


def _names(columns: Sequence[str]) -> str:
    return ", ".join(f'"{column}"' for column in columns)


_SQLITE_CHUNK = 500  # ids per IN (...): well under SQLite's bound-parameter limit
_SWITCH_INTERVAL = 0.0001  # seconds; see `SqliteSession.open`
_BULK_PRAGMAS = {
    "synchronous": "NORMAL",
    # Random ids spread a transaction over every index: with SQLite's 2 MB default cache it
    # spilled pages to the WAL mid-transaction and read them back (half the thread's time).
    "cache_size": -256 * 1024,
    # A commit writes tens of MB to the WAL; checkpointing after each (the default is every
    # 4 MB) copied them all again.
    "wal_autocheckpoint": 25_000,
}


class SqliteSession:
    def __init__(self, filename: str, pragmas: dict[str, object]) -> None:
        self._filename = filename
        self._pragmas = {**pragmas, **_BULK_PRAGMAS}
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="ingest-sqlite")
        self._conn: sqlite3.Connection | None = None
        self._switch_interval = sys.getswitchinterval()
        self.dirty = False

    async def _run(self, job: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, job, *args)

    async def open(self) -> None:
        await self._run(self._open)
        # This thread needs the GIL only to start and finish each statement, but with the
        # default 5 ms switch interval it waited up to that long each time the normalising
        # thread held it: the two ran one after the other. 0.1 ms lets them overlap.
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(_SWITCH_INTERVAL)

    def _open(self) -> None:
        # Another writer (the app, a second run) waits for our commit instead of failing.
        self._conn = sqlite3.connect(self._filename, timeout=30, isolation_level=None,
                                     check_same_thread=False)
        for pragma, value in self._pragmas.items():
            self._conn.execute(f"PRAGMA {pragma}={value}")

    async def close(self) -> None:
        sys.setswitchinterval(self._switch_interval)
        await self._run(self._close)
        self._thread.shutdown()

    def _close(self) -> None:
        if self._conn is not None:
            if self._conn.in_transaction:
                self._conn.rollback()
            self._conn.close()

    async def select(self, columns: Sequence[str], table: str, key: str,
                     ids: Sequence[str]) -> list[Sequence[Any]]:
        return await self._run(self._select, columns, table, key, ids)

    def _select(self, columns: Sequence[str], table: str, key: str,
                ids: Sequence[str]) -> list[Sequence[Any]]:
        assert self._conn is not None
        found: list[Sequence[Any]] = []
        for start in range(0, len(ids), _SQLITE_CHUNK):
            chunk = list(ids[start : start + _SQLITE_CHUNK])
            marks = ", ".join("?" * len(chunk))
            found += self._conn.execute(
                f'SELECT {_names(columns)} FROM "{table}" WHERE "{key}" IN ({marks})',
                chunk).fetchall()
        return found

    async def apply(self, steps: Sequence[Step]) -> None:
        await self._run(self._apply, steps)
        self.dirty = True

    def _apply(self, steps: Sequence[Step]) -> None:
        assert self._conn is not None
        if not self._conn.in_transaction:
            self._conn.execute("BEGIN IMMEDIATE")
        self._conn.execute("SAVEPOINT batch")
        try:
            for step in steps:
                self._step(step)
        except BaseException:
            self._conn.execute("ROLLBACK TO batch")
            raise
        finally:
            self._conn.execute("RELEASE batch")

    def _step(self, step: Step) -> None:
        assert self._conn is not None
        match step:
            case Insert(table, rows, missing_only) if rows:
                # One statement over a JSON array of the rows: SQLite runs it to the end without
                # the GIL. Bound row by row (`executemany`), this thread needed the GIL back after
                # every row and waited for the normalising thread to let go of it each time.
                values = ", ".join(f"value->>{n}" for n in range(len(table.columns)))
                tail = " WHERE true ON CONFLICT DO NOTHING" if missing_only else ""
                self._conn.execute(
                    f'INSERT INTO "{table.name}" ({_names(table.columns)}) '
                    f"SELECT {values} FROM json_each(?){tail}", (_json_rows(rows),))
            case Update(table, rows) if rows:
                key, *rest = table.columns
                sets = ", ".join(f'"{column}" = ?' for column in rest)
                # The id goes last, for the WHERE.
                self._conn.executemany(f'UPDATE "{table.name}" SET {sets} WHERE "{key}" = ?',
                                       [(*row[1:], row[0]) for row in rows])
            case Delete(table, key, ids, _):
                for start in range(0, len(ids), _SQLITE_CHUNK):
                    chunk = list(ids[start : start + _SQLITE_CHUNK])
                    marks = ", ".join("?" * len(chunk))
                    self._conn.execute(f'DELETE FROM "{table}" WHERE "{key}" IN ({marks})', chunk)

    async def commit(self) -> None:
        await self._run(self._commit)
        self.dirty = False

    def _commit(self) -> None:
        assert self._conn is not None
        if self._conn.in_transaction:
            self._conn.commit()


def _json_rows(rows: Sequence[tuple[Any, ...]]) -> str:
    return orjson.dumps(rows, default=_sqlite_text, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()


def _sqlite_text(value: object) -> str:
    """Values as the `sqlite3` adapters Tortoise registers store them."""
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, date | Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a column value")


class PostgresSession:
    def __init__(self, client: Any) -> None:
        self._client = client  # Tortoise's asyncpg client: a connection from its pool
        self._hold: Any = None
        self._conn: Any = None
        self._transaction: Any = None
        self.dirty = False

    async def open(self) -> None:
        self._hold = self._client.acquire_connection()
        self._conn = await self._hold.__aenter__()

    async def close(self) -> None:
        if self._transaction is not None:
            await self._transaction.rollback()
        await self._hold.__aexit__(None, None, None)

    async def select(self, columns: Sequence[str], table: str, key: str,
                     ids: Sequence[str]) -> list[Sequence[Any]]:
        if not ids:
            return []
        return list(await self._conn.fetch(
            f'SELECT {_names(columns)} FROM "{table}" WHERE "{key}" = ANY($1::uuid[])',
            list(ids)))

    async def apply(self, steps: Sequence[Step]) -> None:
        if self._transaction is None:
            self._transaction = self._conn.transaction()
            await self._transaction.start()
        async with self._conn.transaction():  # nested: a savepoint
            for step in steps:
                await self._step(step)
        self.dirty = True

    async def _step(self, step: Step) -> None:
        match step:
            case Insert(table, rows, False) if rows:
                await self._conn.copy_records_to_table(table.name, records=rows,
                                                       columns=list(table.columns))
            case Insert(table, rows, True) if rows:
                # COPY has no ON CONFLICT: one INSERT ... SELECT FROM unnest(column arrays).
                arrays = ", ".join(f"${n}::{kind}[]"
                                   for n, kind in enumerate(table.types, start=1))
                columns = [list(column) for column in zip(*rows, strict=True)]
                await self._conn.execute(
                    f'INSERT INTO "{table.name}" ({_names(table.columns)}) SELECT * FROM '
                    f"unnest({arrays}) ON CONFLICT DO NOTHING", *columns)
            case Update(table, rows) if rows:
                key, *rest = table.columns
                sets = ", ".join(f'"{column}" = ${n}' for n, column in enumerate(rest, start=2))
                await self._conn.executemany(
                    f'UPDATE "{table.name}" SET {sets} WHERE "{key}" = $1', rows)
            case Delete(table, key, ids, kind) if ids:
                await self._conn.execute(
                    f'DELETE FROM "{table}" WHERE "{key}" = ANY($1::{kind}[])', list(ids))

    async def commit(self) -> None:
        if self._transaction is not None:
            await self._transaction.commit()
            self._transaction = None
        self.dirty = False


@contextlib.asynccontextmanager
async def ingest_session() -> AsyncIterator[IngestSession]:
    """A session on the content database Tortoise is set up with. What was not committed when
    the block ends (by an error) is rolled back."""
    client = Tortoise.get_connection("default")
    session: SqliteSession | PostgresSession
    if client.capabilities.dialect == "postgres":
        session = PostgresSession(client)
    else:
        session = SqliteSession(client.filename, dict(client.pragmas))
    await session.open()
    try:
        yield session
    finally:
        await session.close()
