"""Per-user fan-out over Redis pub/sub: whichever replica holds a user's socket hears the news.

A message published on a user's channel reaches every playback process subscribed to it, so a
change written through one replica reaches devices connected to any other. Processes listen
through a `SyncHub` (one subscription per process and user, shared by its sockets).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from redis.asyncio import Redis

__all__ = ["publish_json"]


async def publish_json(redis: Redis, channel: str, message: Mapping[str, Any]) -> None:
    await redis.publish(channel, json.dumps(message))
