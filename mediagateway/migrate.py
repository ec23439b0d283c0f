"""Apply each subgraph's migrations to its own database: `python -m mediagateway.migrate`."""

from __future__ import annotations

import asyncio
import os
import sys

from tortoise import Tortoise

from mediagateway.registry import SUBGRAPHS
from subgraphs.common.db import tortoise_config
from subgraphs.common.settings import database_url_for

__all__ = ["migrate", "migrate_all"]


async def migrate(name: str, database_url: str) -> None:
    """Bring `name`'s database up to date; creating it first on PostgreSQL."""
    subgraph = SUBGRAPHS[name]
    await Tortoise.init(config=tortoise_config(database_url, subgraph.models), _create_db=False)
    try:
        await Tortoise.generate_schemas(safe=True)
    finally:
        await Tortoise.close_connections()


async def migrate_all(env: dict[str, str] | None = None) -> None:
    env = dict(os.environ) if env is None else env
    for name in SUBGRAPHS:
        await migrate(name, database_url_for(name, env))
        print(f"migrated {name}", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(migrate_all())
