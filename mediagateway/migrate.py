"""Apply each subgraph's aerich migrations to its own database: `python -m mediagateway.migrate`.

Migrations live in `migrations/<subgraph>/models/`. Each file returns the SQL for the database
it runs on (SQLite or PostgreSQL), so both run the same migration history.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from aerich import Command
from tortoise import Tortoise

from mediagateway.registry import SUBGRAPHS
from subgraphs.common.db import tortoise_config
from subgraphs.common.settings import database_url_for

__all__ = ["MIGRATIONS", "ensure_database", "migrate", "migrate_all"]

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


async def ensure_database(database_url: str) -> None:
    """Create the PostgreSQL database the URL names when it does not exist yet."""
    parts = urlsplit(database_url)
    if not parts.scheme.startswith("postgres"):
        if parts.scheme.startswith("sqlite"):
            Path(database_url.split("://", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        return
    name = parts.path.strip("/")
    admin = await asyncpg.connect(urlunsplit(parts._replace(scheme="postgresql", path="/postgres")))
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def migrate(name: str, database_url: str) -> list[str]:
    """Bring `name`'s database up to date; returns the migrations it applied."""
    await ensure_database(database_url)
    config = tortoise_config(database_url, SUBGRAPHS[name].models)
    command = Command(config, app="models", location=str(MIGRATIONS / name))
    await Tortoise.init(config=config)
    try:
        await command.init()
        return await command.upgrade(run_in_transaction=True)
    finally:
        await Tortoise.close_connections()


def migrate_all(env: dict[str, str] | None = None) -> None:
    """Migrate every subgraph, each in its own process (Tortoise's models are per process)."""
    for name in SUBGRAPHS:
        subprocess.run([sys.executable, "-m", "mediagateway.migrate", name], check=True, env=env)


def main(argv: list[str]) -> None:
    if not argv:
        migrate_all()
        return
    name = argv[0]
    applied = asyncio.run(migrate(name, database_url_for(name, os.environ)))
    print(f"migrations: {name}: {len(applied)} applied", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
