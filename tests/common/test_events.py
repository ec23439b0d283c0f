"""The Redis stream event bus against a real Redis: delivery, redelivery after a failure,
dead letters, and what a dead or restarted replica left pending."""

from __future__ import annotations

import asyncio
import signal
import sys
import uuid

import pytest
from redis.asyncio import Redis

from subgraphs.common.events import (
    DEAD_LETTER_COUNTS,
    Event,
    EventHandler,
    RedisEventBus,
    dead_letter_stream,
)

# The bus's mechanics, on a made-up stream: the catalogue's check is tested on its own.
pytestmark = pytest.mark.unchecked_events


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


async def test_a_poison_event_is_dead_lettered_and_the_rest_flow(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    bus = RedisEventBus(redis, block_ms=100, max_deliveries=3, replica="a")
    await bus.publish_many([Event("thing.happened", {"n": n}) for n in range(3)])
    handled: list[int] = []
    attempts: list[int] = []
    done = asyncio.Event()

    async def handler(events: list[Event]) -> None:
        for event in events:
            if event.payload["n"] == 1:
                attempts.append(1)
                raise ValueError("never works")
        handled.extend(event.payload["n"] for event in events)

    consumer = asyncio.create_task(bus.consume("thing.happened", "tests", handler, done))
    for _ in range(200):
        if bus.dead_lettered:
            break
        await asyncio.sleep(0.1)
    done.set()
    await asyncio.wait_for(consumer, 5)
    assert set(handled) == {0, 2}
    assert len(attempts) >= 3
    dead = await redis.xrange(dead_letter_stream("thing.happened"))
    assert len(dead) == 1
    fields = Event.decode({k: v for k, v in dead[0][1].items() if not k.startswith(b"dead.")})
    assert fields.payload == {"n": 1}
    assert dead[0][1][b"dead.error"].startswith(b"ValueError")
    assert await redis.hget(DEAD_LETTER_COUNTS, "thing.happened:tests") == b"1"
    assert (await redis.xpending("thing.happened", "tests"))["pending"] == 0
    await redis.aclose()


async def test_a_replica_restarted_under_its_name_takes_up_its_pending_events(
    redis_url: str,
) -> None:
    redis = Redis.from_url(redis_url)
    bus = RedisEventBus(redis, block_ms=100, replica="pod-0")
    await bus._ensure_group("thing.happened", "tests")
    await bus.publish(Event("thing.happened", {"n": 7}))
    # Handed to pod-0, which died before acknowledging.
    await redis.xreadgroup("tests", "tests-pod-0", {"thing.happened": ">"}, count=10)
    seen: list[int] = []
    done = asyncio.Event()

    async def handler(events: list[Event]) -> None:
        seen.extend(event.payload["n"] for event in events)
        done.set()

    await _consume_until(bus, handler, done)
    assert seen == [7]
    await redis.aclose()


_DYING_CONSUMER = """
import asyncio, os, sys
from redis.asyncio import Redis
from subgraphs.common.events import RedisEventBus

async def main():
    bus = RedisEventBus(Redis.from_url(sys.argv[1]), block_ms=100, replica="doomed")
    async def handler(events):
        print(len(events), flush=True)
        await asyncio.sleep(3600)  # killed here: handed the events, acknowledged none
    await bus.consume("thing.happened", "tests", handler)

asyncio.run(main())
"""


async def test_events_of_a_killed_consumer_are_claimed_and_none_is_lost(
    redis_url: str,
) -> None:
    redis = Redis.from_url(redis_url)
    await RedisEventBus(redis)._ensure_group("thing.happened", "tests")
    await RedisEventBus(redis).publish_many(
        [Event("thing.happened", {"n": n}) for n in range(20)])
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _DYING_CONSUMER, redis_url, stdout=asyncio.subprocess.PIPE)
    assert process.stdout is not None
    handed = int(await asyncio.wait_for(process.stdout.readline(), 20))
    assert handed == 20
    process.send_signal(signal.SIGKILL)
    await process.wait()
    assert (await redis.xpending("thing.happened", "tests"))["pending"] == 20

    survivor = RedisEventBus(redis, block_ms=100, replica="survivor", claim_idle_ms=200)
    seen: list[int] = []
    done = asyncio.Event()

    async def handler(events: list[Event]) -> None:
        seen.extend(event.payload["n"] for event in events)
        if len(set(seen)) == 20:
            done.set()

    await _consume_until(survivor, handler, done)
    assert sorted(set(seen)) == list(range(20))
    assert (await redis.xpending("thing.happened", "tests"))["pending"] == 0
    await redis.aclose()


async def test_events_naming_an_erased_user_are_dropped_but_acknowledged(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    bus = RedisEventBus(redis, block_ms=100)
    gone, kept = uuid.uuid4(), uuid.uuid4()
    # Published before the deletion, read after: the erased user's must not be written again.
    await bus.publish_many([Event("thing.happened", {"user_id": str(u), "n": n})
                            for n, u in enumerate([gone, kept, gone, kept])]
                           + [Event("thing.happened", {"n": 4})])
    await bus.mark_erased(gone)
    seen: list[int] = []
    done = asyncio.Event()

    async def handler(events: list[Event]) -> None:
        seen.extend(event.payload["n"] for event in events)
        if 4 in seen:
            done.set()

    await _consume_until(bus, handler, done)
    assert seen == [1, 3, 4]
    assert (await redis.xpending("thing.happened", "tests"))["pending"] == 0

    # The deletion's own stream is never filtered: every subgraph must hear of it.
    await bus.publish(Event("user.deleted", {"user_id": str(gone)}))
    heard = asyncio.Event()

    async def erase(events: list[Event]) -> None:
        if any(e.payload["user_id"] == str(gone) for e in events):
            heard.set()

    consumer = asyncio.create_task(bus.consume("user.deleted", "tests", erase, heard))
    await asyncio.wait_for(heard.wait(), 20)
    await asyncio.wait_for(consumer, 5)
    await redis.aclose()


async def test_an_erased_users_event_in_a_failing_batch_is_still_dropped(
    redis_url: str,
) -> None:
    redis = Redis.from_url(redis_url)
    bus = RedisEventBus(redis, block_ms=100, max_deliveries=2)
    gone = uuid.uuid4()
    await bus.mark_erased(gone)
    await bus.publish_many([Event("thing.happened", {"user_id": str(gone), "n": 0}),
                            Event("thing.happened", {"n": 1}), Event("thing.happened", {"n": 2})])
    handled: list[int] = []
    done = asyncio.Event()

    async def handler(events: list[Event]) -> None:
        if len(events) > 1:
            raise RuntimeError("a batch fails: one by one then")
        handled.extend(e.payload["n"] for e in events)
        if 2 in handled:
            done.set()

    await _consume_until(bus, handler, done)
    assert handled == [1, 2]
    assert (await redis.xpending("thing.happened", "tests"))["pending"] == 0
    await redis.aclose()
