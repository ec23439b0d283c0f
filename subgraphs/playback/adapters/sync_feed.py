"""Sync messages across replicas: one Redis pub/sub connection per process, fanned out locally.

A socket per device would otherwise cost a Redis connection each; here a process subscribes to
a user's channel while at least one of that user's devices listens to it, and hands every
message to each local listener's queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from redis.asyncio import Redis

__all__ = ["SyncHub", "sync_channel"]

logger = logging.getLogger("mediagateway.playback")


def sync_channel(user_id: uuid.UUID) -> str:
    return f"sync:user:{user_id}"


class SyncHub:
    """Publishes to and listens on users' sync channels; `close()` when the app stops."""

    def __init__(
        self, redis: Redis, channel: Callable[[uuid.UUID], str] = sync_channel
    ) -> None:
        self.redis = redis
        # Device events reuse the hub on their own channels (`device_channel_for`).
        self._channel = channel
        self._pubsub = redis.pubsub(ignore_subscribe_messages=True)
        self._queues: dict[str, set[asyncio.Queue[dict[str, Any]]]] = {}
        self._lock = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None

    async def publish(self, user_id: uuid.UUID, message: Mapping[str, Any]) -> None:
        await self.redis.publish(self._channel(user_id), json.dumps(message))

    @contextlib.asynccontextmanager
    async def listen(self, user_id: uuid.UUID) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        """A queue of the user's messages, subscribed before this returns: nothing published
        after entering is missed."""
        channel = self._channel(user_id)
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        async with self._lock:
            listeners = self._queues.setdefault(channel, set())
            listeners.add(queue)
            if len(listeners) == 1:
                await self._pubsub.subscribe(channel)
                # Redis confirms a subscription on the same connection the reader reads.
            self._start()
        try:
            yield queue
        finally:
            async with self._lock:
                listeners = self._queues.get(channel, set())
                listeners.discard(queue)
                if not listeners:
                    self._queues.pop(channel, None)
                    with contextlib.suppress(Exception):
                        await self._pubsub.unsubscribe(channel)

    def _start(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read(), name="sync-hub")

    async def _read(self) -> None:
        # Runs until `close()`: stopping when the last listener leaves would race a new one.
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("sync hub lost its Redis subscription; retrying")
                await asyncio.sleep(0.5)
                continue
            if not message or message.get("type") != "message":
                continue
            channel = message["channel"]
            channel = channel.decode() if isinstance(channel, bytes) else channel
            payload = json.loads(message["data"])
            for queue in list(self._queues.get(channel, ())):
                queue.put_nowait(payload)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader
        await self._pubsub.aclose()
