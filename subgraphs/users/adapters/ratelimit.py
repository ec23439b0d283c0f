"""Fixed-window request counters in Redis, per action and client."""

from __future__ import annotations

from typing import Protocol

from redis.asyncio import Redis

from subgraphs.common.errors import RateLimited

__all__ = ["RateLimiter", "RedisRateLimiter"]


class RateLimiter(Protocol):
    async def hit(self, action: str, client: str, limit: int, window_seconds: int) -> None: ...

    async def check(self, action: str, client: str, limit: int) -> None: ...


class RedisRateLimiter:
    """Counts a call; raises RateLimited once `limit` calls fall in the current window."""

    def __init__(self, redis: Redis, prefix: str = "ratelimit:users") -> None:
        self.redis = redis
        self.prefix = prefix

    async def hit(self, action: str, client: str, limit: int, window_seconds: int) -> None:
        key = f"{self.prefix}:{action}:{client}"
        # SET NX EX starts the window with its expiry atomically; INCR keeps that expiry.
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(key, 0, ex=window_seconds, nx=True)
            pipe.incr(key)
            pipe.ttl(key)
            _, count, ttl = await pipe.execute()
        if count > limit:
            raise _limited(action, ttl)

    async def check(self, action: str, client: str, limit: int) -> None:
        """Raise RateLimited when `limit` calls were already counted, without counting one:
        for limits that count failures only (a `hit` after each failure)."""
        key = f"{self.prefix}:{action}:{client}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.get(key)
            pipe.ttl(key)
            count, ttl = await pipe.execute()
        if count is not None and int(count) >= limit:
            raise _limited(action, ttl)


def _limited(action: str, ttl: int) -> RateLimited:
    return RateLimited(
        f"Too many {action} attempts; try again in {max(int(ttl), 1)} seconds.",
        retry_after=max(int(ttl), 1),
    )
