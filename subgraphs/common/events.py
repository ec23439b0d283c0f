"""Events between subgraphs on Redis streams, consumed by groups at least once.

A producer appends `{id, type, occurred_at, payload}` to a stream named after the event
(`viewing.recorded`); each consuming subgraph reads through its own consumer group and must handle
an event idempotently, because a crash between handling and acknowledging redelivers it.

Each replica reads under a name of its own that survives its restarts (`MG_REPLICA`, else the
host name), so a restarted replica takes up what it was handed before; what a replica that is
gone left pending is claimed by another one once it has been idle for `claim_idle_ms`
(XAUTOCLAIM). An event that fails `max_deliveries` times goes to the dead-letter stream
`<stream>.dead` with the error, is counted (`mg:dead_letters` hash, `dead_lettered`) and no
longer blocks the events behind it.

With tracing on, an event carries the W3C `traceparent` of the span that produced it (staged
with it in the outbox, else taken at publish), and its consumer's span joins that trace.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from subgraphs.common import contracts, tracing
from subgraphs.common.metrics import CONSUMER_LAG, EVENTS_HANDLED
from subgraphs.common.settings import ProcessSettings

__all__ = [
    "DEAD_LETTER_COUNTS",
    "Event",
    "EventBus",
    "EventHandler",
    "RedisEventBus",
    "dead_letter_stream",
    "replica_name",
]

# Hash of dead-lettered events per `<stream>:<group>`: the metric to alert on.
DEAD_LETTER_COUNTS = "mg:dead_letters"


def dead_letter_stream(stream: str) -> str:
    return f"{stream}.dead"


def replica_name(env: Mapping[str, str] | None = None) -> str:
    """This replica's name: stable across its restarts (a pod's or host's name)."""
    named = ProcessSettings.from_env().replica if env is None else env.get("MG_REPLICA")
    return named or socket.gethostname() or "replica"

logger = logging.getLogger("mediagateway.events")

_LAG_EVERY_S = 5.0


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _subgraph_of(group: str) -> str:
    """Groups are named `<subgraph>` or `<subgraph>.<purpose>`."""
    return group.split(".", 1)[0]


@dataclass(frozen=True)
class Event:
    type: str
    payload: Mapping[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    # Where it was produced (W3C trace context), not what it says: equal events may differ here.
    traceparent: str | None = field(default=None, compare=False)

    def encode(self) -> dict[str, str]:
        fields = {
            "id": self.id,
            "type": self.type,
            "occurred_at": self.occurred_at,
            "payload": json.dumps(self.payload),
        }
        traceparent = self.traceparent or tracing.current_traceparent()
        if traceparent:
            fields["traceparent"] = traceparent
        return fields

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
            traceparent=text.get("traceparent"),
        )


EventHandler = Callable[[list[Event]], Awaitable[None]]

# A deleted account's id, kept a while so that events naming it which were still on their way
# (published before the deletion, read after a subgraph erased the user) are dropped instead of
# writing the user's data again. The deletion's own streams are never filtered.
ERASED_USER_KEY = "erased-user"
ERASED_USER_TTL_S = 30 * 24 * 3600
ERASURE_STREAMS = frozenset({contracts.USER_DELETED.name, contracts.USER_ERASED.name})


async def mark_erased(redis: Redis, user_id: uuid.UUID) -> None:
    """Events naming `user_id` are dropped by every consumer from now on (for 30 days)."""
    await redis.set(f"{ERASED_USER_KEY}:{user_id}", 1, ex=ERASED_USER_TTL_S)


class EventBus(Protocol):
    async def publish(self, event: Event) -> None: ...

    async def mark_erased(self, user_id: uuid.UUID) -> None:
        """From now on, events naming this user (`payload.user_id`) are not handled."""
        ...

    async def consume(
        self, stream: str, group: str, handler: EventHandler, stop: asyncio.Event | None = None
    ) -> None: ...


class RedisEventBus:
    """Streams in Redis; `consume` handles batches of events until `stop` is set.

    Stopping between batches, rather than cancelling, never interrupts a handler halfway
    through its database transaction.
    """

    def __init__(
        self,
        redis: Redis,
        batch_size: int = 500,
        block_ms: int = 1_000,
        *,
        replica: str | None = None,
        claim_idle_ms: int = 60_000,
        max_deliveries: int = 5,
    ) -> None:
        self.redis = redis
        self.batch_size = batch_size
        self.block_ms = block_ms
        self.replica = replica or replica_name()
        self.claim_idle_ms = claim_idle_ms
        self.max_deliveries = max_deliveries
        self.dead_lettered = 0

    async def publish(self, event: Event) -> None:
        if contracts.checking:  # tests only: see subgraphs.common.contracts
            contracts.validate(event)
        await self.redis.xadd(event.type, event.encode(), maxlen=1_000_000, approximate=True)

    async def mark_erased(self, user_id: uuid.UUID) -> None:
        await mark_erased(self.redis, user_id)

    async def _erased_among(self, stream: str, events: list[Event]) -> set[str]:
        """The ids of the events that name an erased user."""
        if stream in ERASURE_STREAMS:
            return set()
        named = [(e.id, e.payload.get("user_id")) for e in events
                 if isinstance(e.payload, Mapping) and e.payload.get("user_id")]
        if not named:
            return set()
        users = sorted({str(u) for _, u in named})
        found = await self.redis.mget([f"{ERASED_USER_KEY}:{u}" for u in users])
        erased = {u for u, hit in zip(users, found, strict=True) if hit is not None}
        return {event_id for event_id, u in named if str(u) in erased}

    async def publish_many(self, events: list[Event]) -> None:
        if contracts.checking:  # tests only; the whole batch before any of it is sent
            contracts.check(events)
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
        consumer = f"{group}-{self.replica}"
        # First what this consumer was handed before and never acknowledged, then new events.
        start = "0"
        claim_at = lag_at = 0.0
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            if loop.time() >= lag_at:
                lag_at = loop.time() + _LAG_EVERY_S
                await self._report_lag(stream, group)
            try:
                if loop.time() >= claim_at:
                    # What a replica that is gone (or stuck) left pending comes to this one.
                    claim_at = loop.time() + self.claim_idle_ms / 2_000
                    entries = await self._claim(stream, group, consumer)
                    if entries:
                        await self._handle(stream, group, handler, entries)
                        continue
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
            if not await self._handle(stream, group, handler, entries):
                await asyncio.sleep(1)
                start = "0"  # they stay pending: read them again, not only what is new

    async def _report_lag(self, stream: str, group: str) -> None:
        """`mg_event_consumer_lag`: the group's entries not yet read plus those read and not
        acknowledged, i.e. what is left to process. Redis 7 counts the unread (`lag`); on
        older servers they are counted past the last delivered id (at most 10,000)."""
        try:
            info = next((g for g in await self.redis.xinfo_groups(stream)
                         if _text(g["name"]) == group), None)
            if info is None:
                return
            unread = info.get("lag")
            if unread is None:
                unread = len(await self.redis.xrange(
                    stream, min=f"({_text(info['last-delivered-id'])}", count=10_000))
        except (RedisError, OSError):
            return  # a gauge is not worth a consumer: the next round tries again
        CONSUMER_LAG.labels(_subgraph_of(group), stream, group).set(
            int(unread) + int(info.get("pending", 0)))

    async def _claim(self, stream: str, group: str, consumer: str) -> list[Any]:
        claimed: list[Any] = []
        cursor = "0-0"
        while len(claimed) < self.batch_size:
            reply = await self.redis.xautoclaim(
                stream, group, consumer, self.claim_idle_ms, start_id=cursor,
                count=self.batch_size,
            )
            cursor, entries = reply[0], reply[1]
            # Entries deleted from the stream meanwhile come back without fields.
            claimed += [entry for entry in entries if entry and entry[1]]
            if cursor in ("0-0", b"0-0"):
                break
        return claimed

    async def _handle(
        self, stream: str, group: str, handler: EventHandler, entries: list[Any]
    ) -> bool:
        """Handle and acknowledge; True when nothing is left pending to retry."""
        dropped: set[str] = set()
        try:
            events = [Event.decode(fields) for _, fields in entries]
            try:
                dropped = await self._erased_among(stream, events)
            except (RedisError, OSError):
                logger.warning("checking %s events for erased users failed; retrying", stream)
                return False
            live = [e for e in events if e.id not in dropped]
            if live:
                with tracing.consuming(stream, group, live):
                    await handler(live)
        except Exception:
            logger.exception("handling %d events from %s failed", len(entries), stream)
            return await self._handle_one_by_one(stream, group, handler, entries, dropped)
        await self._ack(stream, group, [entry_id for entry_id, _ in entries])
        return True

    async def _handle_one_by_one(
        self, stream: str, group: str, handler: EventHandler, entries: list[Any],
        dropped: set[str],
    ) -> bool:
        # Handlers are idempotent: those of the batch that succeed again are acknowledged, the
        # one that fails is retried until it has had max_deliveries, then set aside.
        all_done = True
        for entry_id, fields in entries:
            try:
                event = Event.decode(fields)
                if event.id in dropped:
                    await self._ack(stream, group, [entry_id])
                    continue
                with tracing.consuming(stream, group, [event]):
                    await handler([event])
            except Exception as error:
                if await self._deliveries(stream, group, entry_id) >= self.max_deliveries:
                    await self._dead_letter(stream, group, entry_id, fields, error)
                else:
                    all_done = False
                continue
            await self._ack(stream, group, [entry_id])
        return all_done

    async def _deliveries(self, stream: str, group: str, entry_id: Any) -> int:
        try:
            pending = await self.redis.xpending_range(stream, group, entry_id, entry_id, 1)
        except (RedisError, OSError):
            return 0
        return int(pending[0]["times_delivered"]) if pending else 0

    async def _dead_letter(
        self, stream: str, group: str, entry_id: Any, fields: Mapping[Any, Any], error: Exception
    ) -> None:
        ident = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
        letter = {**fields, "dead.group": group, "dead.entry": ident,
                  "dead.error": f"{type(error).__name__}: {error}"[:500]}
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.xadd(dead_letter_stream(stream), letter, maxlen=100_000, approximate=True)
                pipe.hincrby(DEAD_LETTER_COUNTS, f"{stream}:{group}", 1)
                pipe.xack(stream, group, entry_id)
                await pipe.execute()
        except (RedisError, OSError):
            logger.exception("dead-lettering %s of %s failed", ident, stream)
            return
        self.dead_lettered += 1
        EVENTS_HANDLED.labels(_subgraph_of(group), stream, "dead_lettered").inc()
        logger.error("event %s of %s failed %d times: moved to %s", ident, stream,
                     self.max_deliveries, dead_letter_stream(stream))

    async def _ack(self, stream: str, group: str, ids: list[Any]) -> None:
        try:
            await self.redis.xack(stream, group, *ids)
            EVENTS_HANDLED.labels(_subgraph_of(group), stream, "handled").inc(len(ids))
        except (RedisError, OSError):
            # Unacknowledged events come again; handlers are idempotent.
            logger.exception("acknowledging events of %s failed", stream)
