"""Backups that restore: the backup CronJob's own script dumps the seeded stack's databases, the
restore script loads each dump into an empty database, and every table holds what it held.
PostgreSQL only (SQLite files are copied, not dumped)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from mediagateway.registry import SUBGRAPHS
from mediagateway.stack import Stack

SCRIPTS = Path(__file__).resolve().parents[2] / "infra" / "k8s" / "base" / "backups"

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="pg_dump and pg_restore work on PostgreSQL databases; on the SQLite leg the "
           "databases are files (scripts/test's PostgreSQL leg runs this)",
)


def _pg_path() -> str:
    """PATH with the PostgreSQL client tools the suite's server came with."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    return os.pathsep.join([*(str(p) for p in found[-1:]), os.environ["PATH"]])


def _database(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path}_{name}"))


async def _counts(url: str) -> dict[str, int]:
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        tables = [row["tablename"] for row in await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        return {t: await connection.fetchval(f'SELECT count(*) FROM "{t}"') for t in tables}
    finally:
        await connection.close()


async def _admin(url: str, statement: str) -> None:
    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    connection = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _run(script: str, *args: str, env: dict[str, str]) -> None:
    done = subprocess.run(["sh", str(SCRIPTS / script), *args], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_every_database_restores_from_its_nightly_dump(stack: Stack, tmp_path: Path) -> None:
    base = stack.env["DATABASE_URL"]
    env = {**os.environ, "PATH": _pg_path(), "DATABASE_URL": base,
           "BACKUP_DIR": str(tmp_path), "BACKUP_STAMP": "test"}
    # A fresh stack is still consuming the seed's events: dump once nothing moves during it.
    deadline = time.monotonic() + 300
    while True:
        before = {name: asyncio.run(_counts(_database(base, name))) for name in SUBGRAPHS}
        _run("backup.sh", env=env)
        after = {name: asyncio.run(_counts(_database(base, name))) for name in SUBGRAPHS}
        if before == after:
            break
        moving = {(n, t) for n in SUBGRAPHS for t in after[n] if before[n][t] != after[n][t]}
        assert time.monotonic() < deadline, f"still changing after 5 minutes: {moving}"
        time.sleep(3)
    assert after["content"]["title"] > 1000, after["content"]  # the seeded demo catalog
    assert sum(after["users"].values()) > 0
    for name in SUBGRAPHS:
        dump = tmp_path / f"{name}-test.dump"
        assert dump.stat().st_size > 0
        target = urlunsplit(urlsplit(base)._replace(path=f"/restore_{uuid.uuid4().hex[:8]}"))
        asyncio.run(_admin(base, f'CREATE DATABASE "{urlsplit(target).path[1:]}"'))
        try:
            _run("restore.sh", str(dump), target, env=env)
            assert asyncio.run(_counts(target)) == after[name], name
            # Restoring over a database that holds data replaces it, leaving no duplicates.
            _run("restore.sh", str(dump), target, env=env)
            assert asyncio.run(_counts(target)) == after[name], name
        finally:
            asyncio.run(_admin(base, f'DROP DATABASE IF EXISTS "{urlsplit(target).path[1:]}" '
                                     "WITH (FORCE)"))
