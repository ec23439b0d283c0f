"""Per-user fan-out over Redis pub/sub: whichever replica holds a user's socket hears the news.

A message published on a user's channel reaches every playback process subscribed to it, so a
change written through one replica reaches devices connected to any other.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

from redis.asyncio import Redis

__all__ = ["listen", "publish_json"]


async def publish_json(redis: Redis, channel: str, message: Mapping[str, Any]) -> None:
    await redis.publish(channel, json.dumps(message))


async def listen(redis: Redis, channel: str) -> AsyncIterator[dict[str, Any]]:
    """Messages on `channel` from now on, for as long as the caller iterates."""
    pubsub = redis.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(channel)
    try:
        async for message in pubsub.listen():
            if message.get("type") == "message":
                yield json.loads(message["data"])
    finally:
        # Runs when the client goes away (the generator is closed or cancelled).
        await pubsub.unsubscribe()
        await pubsub.aclose()
