"""A disk cache in front of a provider: each text is embedded once per vector space.

Seeding and re-indexing embed the same titles again and again (every test stack, every rerun of
an ingestion); a SQLite file keyed by the text's hash makes those runs cost milliseconds.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from subgraphs.content.search.adapters.embeddings.base import EmbeddingProvider, index_key

__all__ = ["CachedEmbeddingProvider"]


class CachedEmbeddingProvider:
    def __init__(self, provider: EmbeddingProvider, directory: Path) -> None:
        self.provider = provider
        self.name = provider.name
        self.dimensions = provider.dimensions
        self._path = directory / f"{index_key(provider)}.sqlite3"
        self._conn: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None,
                                   timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, v BLOB)")
            self._conn = conn
        return self._conn

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def _get(self, keys: list[str]) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in self._db.execute(
                f"SELECT key, v FROM vectors WHERE key IN ({marks})", chunk
            ):
                found[key] = np.frombuffer(blob, dtype=np.float32).tolist()
        return found

    def _put(self, items: list[tuple[str, list[float]]]) -> None:
        rows = [(key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items]
        # One transaction: in autocommit each row was its own commit (and fsync).
        self._db.execute("BEGIN")
        try:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        keys = [self._key(text) for text in texts]
        async with self._lock:
            found = await asyncio.to_thread(self._get, keys)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if missing:
            by_key = {key: text for key, text in zip(keys, texts, strict=True)}
            vectors = await self.provider.embed([by_key[key] for key in missing])
            new = list(zip(missing, vectors, strict=True))
            async with self._lock:
                await asyncio.to_thread(self._put, new)
            found.update(new)
        return [found[key] for key in keys]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
