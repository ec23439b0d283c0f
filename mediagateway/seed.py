"""Load the MovieLens-100K demo data into every subgraph: `python -m mediagateway.seed`.

Each subgraph seeds only its own database, in its own process (Tortoise's state is global to a
process); facts other subgraphs need travel as events on Redis, as they do at run time.
Idempotent: a subgraph that already holds data is left alone.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import subprocess
import sys

from redis.asyncio import Redis

from mediagateway.movielens import MovieLens
from mediagateway.registry import SUBGRAPHS
from subgraphs.common.db import close_database, open_database
from subgraphs.common.events import RedisEventBus
from subgraphs.common.settings import ServiceSettings

__all__ = ["seed_all", "seed_subgraph"]


async def seed_subgraph(name: str, settings: ServiceSettings, with_history: bool = True) -> bool:
    """`with_history=False` (`MG_SEED_HISTORY=0`): users get accounts but no viewing history."""
    module = importlib.import_module(f"mediagateway.demo.{name}")
    await open_database(settings.database_url, SUBGRAPHS[name].models)
    redis = Redis.from_url(settings.redis_url)
    options = {} if with_history or name != "users" else {"with_history": False}
    try:
        return await module.seed(MovieLens(), RedisEventBus(redis), **options)
    finally:
        await redis.aclose()
        await close_database()


def seed_all(env: dict[str, str] | None = None) -> None:
    """Seed each subgraph in a child process, content first (others refer to its titles)."""
    for name in SUBGRAPHS:
        subprocess.run(
            [sys.executable, "-m", "mediagateway.seed", name],
            check=True,
            env=env if env is not None else dict(os.environ),
        )


def main(argv: list[str]) -> None:
    if not argv:
        seed_all()
        return
    name = argv[0]
    history = os.environ.get("MG_SEED_HISTORY", "1") != "0"
    loaded = asyncio.run(seed_subgraph(name, ServiceSettings.from_env(name=name), history))
    print(f"{name}: {'seeded' if loaded else 'already seeded'}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
