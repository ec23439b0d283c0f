"""Transactional outbox: an event is written in the same database transaction as the fact it
reports, and published from there, so a committed fact is always published, even when the
process dies between its commit and the publish, and a rolled-back one never is.

A writer calls `stage(events, connection)` inside its transaction; after the commit it may call
`relay.flush()` so that the events leave at once; `relay.run(stop)` publishes whatever is left
(a crash's leftovers, a publish that failed while Redis was away) every `interval` seconds.
Rows go in commit order and are deleted once Redis has them; a relay that dies in between
publishes them again, which consumers take as a redelivery (the event id is kept).

A subgraph adopts it by exporting `OutboxEvent` from its models module (so its tortoise app
holds the table) and by a migration that creates the `outbox` table.

Each row keeps the W3C `traceparent` of the span that staged it (with tracing on), so the
event, published later by whoever flushes, still belongs to the request that made it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Iterable
from typing import Any, Protocol

from redis.exceptions import RedisError
from tortoise import fields
from tortoise.exceptions import BaseORMException
from tortoise.models import Model

from subgraphs.common import contracts, tracing
from subgraphs.common.events import Event

__all__ = ["Outbox", "OutboxEvent", "OutboxRelay", "publish_staged", "stage"]

logger = logging.getLogger("mediagateway.outbox")


class OutboxEvent(Model):
    """One event waiting to be published, in the order its transaction committed it."""

    seq = fields.BigIntField(primary_key=True)
    event_id = fields.CharField(max_length=64)
    type = fields.CharField(max_length=200)
    occurred_at = fields.CharField(max_length=64)
    payload = fields.TextField()
    traceparent = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "outbox"

    def event(self) -> Event:
        return Event(type=self.type, payload=json.loads(self.payload), id=self.event_id,
                     occurred_at=self.occurred_at, traceparent=self.traceparent)


class Publisher(Protocol):
    async def publish_many(self, events: list[Event]) -> None: ...


async def stage(events: Iterable[Event], connection: Any = None) -> None:
    """Write the events in the caller's transaction (`connection`, from `in_transaction()`)."""
    if contracts.checking:  # tests only: a refused event fails the write that staged it
        events = list(events)
        contracts.check(events)
    here = tracing.current_traceparent()  # the writer's span: the relay publishes in none
    rows = [OutboxEvent(event_id=event.id, type=event.type, occurred_at=event.occurred_at,
                        payload=json.dumps(event.payload),
                        traceparent=event.traceparent or here) for event in events]
    if rows:
        await OutboxEvent.bulk_create(rows, using_db=connection)


class Outbox(Protocol):
    """What use cases see of the relay: publish what their commit staged."""

    async def flush(self) -> int: ...


async def publish_staged(outbox: Outbox) -> None:
    """After a commit: send its staged events at once if Redis takes them. When it does not,
    the write is still done (and reported so); the relay publishes them once Redis is back."""
    try:
        await outbox.flush()
    except (RedisError, OSError, BaseORMException):
        logger.warning("publishing staged events failed; the outbox relay will retry")


class OutboxRelay:
    """Publishes staged events in order and forgets them once Redis has them."""

    def __init__(self, bus: Publisher, batch_size: int = 500, interval: float = 1.0) -> None:
        self.bus = bus
        self.batch_size = batch_size
        self.interval = interval
        self._lock = asyncio.Lock()

    async def flush(self, through: int | None = None) -> int:
        """Publish everything staged so far (up to `seq` `through`); returns how many events
        went out."""
        sent = 0
        async with self._lock:  # one batch at a time per process keeps the order
            while True:
                query = OutboxEvent.all()
                if through is not None:
                    query = query.filter(seq__lte=through)
                rows = await query.order_by("seq").limit(self.batch_size)
                if not rows:
                    return sent
                await self.bus.publish_many([row.event() for row in rows])
                await OutboxEvent.filter(seq__in=[row.seq for row in rows]).delete()
                sent += len(rows)

    async def run(self, stop: asyncio.Event) -> None:
        """Publishes, every `interval`, the rows that were already staged a round ago: their
        writer had its chance to send them itself (sending them again would repeat them, and,
        on SQLite, delete beside a writer's open transaction)."""
        seen = 0
        # The first round after one interval: start-up is busy enough, and leftovers can wait.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), self.interval)
        while not stop.is_set():
            try:
                if seen:
                    await self.flush(through=seen)
                latest = await OutboxEvent.all().order_by("-seq").first()
                seen = latest.seq if latest is not None else 0
            except (RedisError, OSError, BaseORMException):
                # Still staged: published on a later round, once Redis (or the database) is back.
                logger.exception("publishing the outbox failed; retrying in %.0f s",
                                 self.interval)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)
