"""Caches of parsed intents: in-process LRU by default, Redis when several processes share one."""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import TYPE_CHECKING, Protocol

from subgraphs.content.intent.domain.contract import Intent

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["IntentCache", "LruIntentCache", "RedisIntentCache"]


class IntentCache(Protocol):
    async def get(self, key: str) -> Intent | None: ...

    async def set(self, key: str, intent: Intent) -> None: ...


class LruIntentCache:
    """The most recently used `size` intents of this process."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._items: OrderedDict[str, Intent] = OrderedDict()

    async def get(self, key: str) -> Intent | None:
        intent = self._items.get(key)
        if intent is not None:
            self._items.move_to_end(key)
        return intent

    async def set(self, key: str, intent: Intent) -> None:
        self._items[key] = intent
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


class RedisIntentCache:
    """Intents as JSON under `prefix + key`, expiring after `ttl_s` (the model may improve)."""

    def __init__(self, redis: Redis, prefix: str = "content:intent:", ttl_s: int = 7 * 86_400):
        self.redis = redis
        self.prefix = prefix
        self.ttl_s = ttl_s

    async def get(self, key: str) -> Intent | None:
        raw = await self.redis.get(self.prefix + key)
        if raw is None:
            return None
        return Intent.from_dict(json.loads(raw))

    async def set(self, key: str, intent: Intent) -> None:
        await self.redis.set(self.prefix + key, json.dumps(intent.as_dict()), ex=self.ttl_s)
