"""The transactional outbox against a real database and Redis: a committed fact's event is
published even when the process died before publishing it; a rolled-back one never is."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from subgraphs.common.events import Event, RedisEventBus
from subgraphs.common.outbox import OutboxEvent, OutboxRelay, stage

STREAM = "thing.happened"
# The outbox's mechanics, on a made-up stream: the catalogue's check is tested on its own.
pytestmark = pytest.mark.unchecked_events


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[None]:
    # The leg's own database (SQLite or PostgreSQL): Tortoise caches compiled statements per
    # connection name, so a SQLite init here would hand a later PostgreSQL test `?` markers.
    await Tortoise.init(db_url=database_url, modules={"models": ["subgraphs.common.outbox"]})
    await Tortoise.generate_schemas()
    yield
    await Tortoise.close_connections()


async def _published(redis: Redis) -> list[dict]:
    return [Event.decode(fields).payload for _, fields in await redis.xrange(STREAM)]


async def test_an_event_committed_but_never_published_goes_out_on_the_next_run(
    database: None, redis_url: str
) -> None:
    redis = Redis.from_url(redis_url)
    async with in_transaction() as connection:
        await stage([Event(STREAM, {"n": 1}), Event(STREAM, {"n": 2})], connection)
    # The process dies here, after the commit and before any publish.
    assert await _published(redis) == []
    stop = asyncio.Event()
    relay = asyncio.create_task(OutboxRelay(RedisEventBus(redis), interval=0.05).run(stop))
    for _ in range(100):
        if len(await _published(redis)) == 2:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(relay, 5)
    assert await _published(redis) == [{"n": 1}, {"n": 2}]
    assert await OutboxEvent.all().count() == 0
    await redis.aclose()


async def test_a_rolled_back_transaction_publishes_nothing(
    database: None, redis_url: str
) -> None:
    redis = Redis.from_url(redis_url)
    with pytest.raises(RuntimeError):
        async with in_transaction() as connection:
            await stage([Event(STREAM, {"n": 1})], connection)
            raise RuntimeError("the write failed")
    assert await OutboxRelay(RedisEventBus(redis)).flush() == 0
    assert await _published(redis) == []
    await redis.aclose()


async def test_events_stay_staged_while_redis_is_away(database: None, redis_url: str) -> None:
    async with in_transaction() as connection:
        await stage([Event(STREAM, {"n": 3})], connection)
    away = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    with pytest.raises(RedisError):
        await OutboxRelay(RedisEventBus(away)).flush()
    assert await OutboxEvent.all().count() == 1
    redis = Redis.from_url(redis_url)
    assert await OutboxRelay(RedisEventBus(redis)).flush() == 1
    assert await _published(redis) == [{"n": 3}]
    await away.aclose()
    await redis.aclose()
