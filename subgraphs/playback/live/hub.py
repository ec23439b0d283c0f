"""Live messages across replicas: one Redis pub/sub connection per process, fanned out locally.

Sync (`sync:user:<id>`, the default channel), device events (`remote.adapters.channel`) and
playback updates (`sessions.adapters.publisher`) each run a hub on their own channels.

A socket per device would otherwise cost a Redis connection each; here a process subscribes to
a user's channel while at least one of that user's devices listens to it, and hands every
message to each local listener's queue. Each message is decoded once (per decoder) and the same
object goes to all the user's sockets: with many devices, decoding per socket was the cost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

__all__ = ["SyncHub", "sync_channel"]

logger = logging.getLogger("mediagateway.playback")

T = TypeVar("T")
Decoder = Callable[[dict[str, Any]], Any]
_DROPPED = object()


def _raw(message: dict[str, Any]) -> dict[str, Any]:
    return message


def sync_channel(user_id: uuid.UUID) -> str:
    return f"sync:user:{user_id}"


class SyncHub:
    """Publishes to and listens on users' sync channels; `close()` when the app stops."""

    def __init__(
        self, redis: Redis, channel: Callable[[uuid.UUID], str] = sync_channel,
        *, catch_up_follows: bool = False,
    ) -> None:
        self.redis = redis
        self.catch_up_follows = catch_up_follows
        # Device events reuse the hub on their own channels (`device_channel_for`).
        self._channel = channel
        self._pubsub = redis.pubsub(ignore_subscribe_messages=True)
        # Per channel: each local listener's queue and the decoder it asked for.
        self._queues: dict[str, dict[asyncio.Queue[Any], Decoder]] = {}
        self._lock = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None

    async def publish(self, user_id: uuid.UUID, message: Mapping[str, Any]) -> None:
        """Tell the user's listening sockets. With `catch_up_follows`, an outage is only
        logged: the write was committed before, and a device that missed the message gets it
        on its next catch-up (by state vector)."""
        try:
            await self.redis.publish(self._channel(user_id), json.dumps(message))
        except (RedisError, OSError):
            if not self.catch_up_follows:
                raise
            logger.warning("telling listening sockets failed (Redis unreachable)")

    @contextlib.asynccontextmanager
    async def listen(
        self, user_id: uuid.UUID,
        decode: Callable[[dict[str, Any]], T] = _raw,  # type: ignore[assignment]
    ) -> AsyncIterator[asyncio.Queue[T]]:
        """A queue of the user's messages, subscribed before this returns: nothing published
        after entering is missed.

        Messages arrive as `decode(json)`; listeners passing the same `decode` share one
        decoded object per message, so it must be treated as read-only.
        """
        channel = self._channel(user_id)
        queue: asyncio.Queue[T] = asyncio.Queue()
        async with self._lock:
            listeners = self._queues.setdefault(channel, {})
            listeners[queue] = decode
            if len(listeners) == 1:
                await self._pubsub.subscribe(channel)
                # Redis confirms a subscription on the same connection the reader reads.
            self._start()
        try:
            yield queue
        finally:
            async with self._lock:
                listeners = self._queues.get(channel, {})
                listeners.pop(queue, None)
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
            listeners = list(self._queues.get(channel, {}).items())
            if listeners:
                self._deliver(json.loads(message["data"]), listeners)

    @staticmethod
    def _deliver(payload: dict[str, Any], listeners: list[tuple[asyncio.Queue[Any], Decoder]]
                 ) -> None:
        decoded: dict[Decoder, Any] = {}
        for queue, decode in listeners:
            if decode not in decoded:
                try:
                    decoded[decode] = decode(payload)
                except Exception:
                    logger.exception("undecodable message on a sync channel; dropped")
                    decoded[decode] = _DROPPED
            if decoded[decode] is not _DROPPED:
                queue.put_nowait(decoded[decode])

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader
        await self._pubsub.aclose()
