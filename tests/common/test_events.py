"""The Redis stream event bus against a real Redis: delivery, redelivery after a failure."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from subgraphs.common.events import Event, EventHandler, RedisEventBus


async def _consume_until(bus: RedisEventBus, handler: EventHandler, done: asyncio.Event) -> None:
    consumer = asyncio.create_task(bus.consume("thing.happened", "tests", handler, done))
    await asyncio.wait_for(done.wait(), 20)
    await asyncio.wait_for(consumer, 5)


async def test_events_arrive_in_order_and_are_acknowledged(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    bus = RedisEventBus(redis, block_ms=100)
    await bus.publish_many([Event("thing.happened", {"n": n}) for n in range(5)])
    seen: list[int] = []
    done = asyncio.Event()

    async def handler(events: list[Event]) -> None:
        seen.extend(event.payload["n"] for event in events)
        if len(seen) == 5:
            done.set()

    await _consume_until(bus, handler, done)
    assert seen == [0, 1, 2, 3, 4]
    assert (await redis.xpending("thing.happened", "tests"))["pending"] == 0
    await redis.aclose()


async def test_a_failed_batch_is_handled_again(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    bus = RedisEventBus(redis, block_ms=100)
    await bus.publish(Event("thing.happened", {"n": 1}))
    calls: list[list[int]] = []
    done = asyncio.Event()

    async def handler(events: list[Event]) -> None:
        calls.append([event.payload["n"] for event in events])
        if len(calls) == 1:
            # Another event arrives while the first batch fails: both must still be handled.
            await bus.publish(Event("thing.happened", {"n": 2}))
            raise RuntimeError("database away")
        if sorted(n for batch in calls[1:] for n in batch) == [1, 2]:
            done.set()

    await _consume_until(bus, handler, done)
    assert calls[0] == [1]
    assert sorted(n for batch in calls[1:] for n in batch) == [1, 2]
    await redis.aclose()
