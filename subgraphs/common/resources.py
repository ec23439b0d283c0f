"""What every subgraph opens for its lifetime: its own database and a Redis connection."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from redis.asyncio import Redis

from subgraphs.common.db import close_database, open_database
from subgraphs.common.settings import ServiceSettings

__all__ = ["service_resources"]


@contextlib.asynccontextmanager
async def service_resources(settings: ServiceSettings, models: str) -> AsyncIterator[Redis]:
    """Open the database and Redis for an app's lifespan; close both when it ends."""
    await open_database(settings.database_url, models)
    redis = Redis.from_url(settings.redis_url)
    try:
        yield redis
    finally:
        await redis.aclose()
        await close_database()
