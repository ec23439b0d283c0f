"""Fresh empty databases for tests, on SQLite or on the PostgreSQL server DATABASE_URL names."""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

__all__ = ["drop_databases", "fresh_database"]


async def _admin(url: str, statement: str) -> None:
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    connection = await asyncpg.connect(admin)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def fresh_database(tmp_path: Path, label: str) -> Iterator[str]:
    shared = os.environ.get("DATABASE_URL", "")
    if not shared.startswith(("postgres://", "postgresql://")):
        yield f"sqlite://{tmp_path / 'test.sqlite3'}"
        return
    name = "t_" + re.sub(r"[^a-z0-9]", "_", label.lower())[:40] + "_" + uuid.uuid4().hex[:8]
    asyncio.run(_admin(shared, f'CREATE DATABASE "{name}"'))
    try:
        yield urlunsplit(urlsplit(shared)._replace(path=f"/{name}"))
    finally:
        asyncio.run(_admin(shared, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def drop_databases(base_url: str, subgraphs: list[str]) -> None:
    """Drop the per-subgraph databases a stack made from `base_url`."""
    base = urlsplit(base_url).path.strip("/")
    for name in subgraphs:
        await _admin(base_url, f'DROP DATABASE IF EXISTS "{base}_{name}" WITH (FORCE)')
