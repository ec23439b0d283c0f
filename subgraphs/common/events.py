"""Events between subgraphs on Redis streams, consumed by groups at least once.

A producer appends `{id, type, occurred_at, payload}` to a stream named after the event
(`viewing.recorded`); each consuming subgraph reads through its own consumer group and must handle
an event idempotently, because a crash between handling and acknowledging redelivers it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

__all__ = ["Event", "EventBus", "EventHandler", "RedisEventBus"]

logger = logging.getLogger("mediagateway.events")


@dataclass(frozen=True)
class Event:
    type: str
    payload: Mapping[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def encode(self) -> dict[str, str]:
        return {
            "id": self.id,
            "type": self.type,
            "occurred_at": self.occurred_at,
            "payload": json.dumps(self.payload),
        }

    @classmethod
    def decode(cls, fields: Mapping[bytes | str, bytes | str]) -> Event:
        text = {
            (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
            for k, v in fields.items()
        }
        return cls(
            type=text["type"],
            payload=json.loads(text["payload"]),
            id=text["id"],
            occurred_at=text["occurred_at"],
        )


EventHandler = Callable[[list[Event]], Awaitable[None]]


class EventBus(Protocol):
    async def publish(self, event: Event) -> None: ...

    async def consume(
        self, stream: str, group: str, handler: EventHandler, stop: asyncio.Event | None = None
    ) -> None: ...


class RedisEventBus:
    """Streams in Redis; `consume` handles batches of events until `stop` is set.

    Stopping between batches, rather than cancelling, never interrupts a handler halfway
    through its database transaction.
    """

    def __init__(self, redis: Redis, batch_size: int = 500, block_ms: int = 1_000) -> None:
        self.redis = redis
        self.batch_size = batch_size
        self.block_ms = block_ms

    async def publish(self, event: Event) -> None:
        await self.redis.xadd(event.type, event.encode(), maxlen=1_000_000, approximate=True)

    async def publish_many(self, events: list[Event]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for event in events:
                pipe.xadd(event.type, event.encode(), maxlen=1_000_000, approximate=True)
            await pipe.execute()

    async def _ensure_group(self, stream: str, group: str) -> None:
        try:
            await self.redis.xgroup_create(stream, group, id="0", mkstream=True)
        except ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    async def consume(
        self, stream: str, group: str, handler: EventHandler, stop: asyncio.Event | None = None
    ) -> None:
        stop = stop or asyncio.Event()
        await self._ensure_group(stream, group)
        consumer = f"{group}-{uuid.uuid4().hex[:8]}"
        # First what this group was handed before and never acknowledged, then new events.
        start = "0"
        while not stop.is_set():
            try:
                batches = await self.redis.xreadgroup(
                    group, consumer, {stream: start}, count=self.batch_size,
                    block=None if start == "0" else self.block_ms,
                )
            except ResponseError as error:
                if "NOGROUP" not in str(error):
                    raise
                await self._ensure_group(stream, group)
                continue
            except (RedisError, OSError):
                # A dropped connection must not end the consumer: wait and read again.
                logger.exception("reading %s for %s failed", stream, group)
                await asyncio.sleep(1)
                continue
            entries = [entry for _, stream_entries in batches for entry in stream_entries]
            if not entries:
                start = ">"
                continue
            try:
                await handler([Event.decode(fields) for _, fields in entries])
            except Exception:
                logger.exception("handling %d events from %s failed", len(entries), stream)
                await asyncio.sleep(1)
                start = "0"  # they stay pending: read them again, not only what is new
                continue
            try:
                await self.redis.xack(stream, group, *[entry_id for entry_id, _ in entries])
            except (RedisError, OSError):
                # Unacknowledged events come again; handlers are idempotent.
                logger.exception("acknowledging events of %s failed", stream)
                start = "0"
