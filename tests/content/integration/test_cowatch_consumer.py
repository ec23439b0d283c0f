"""viewing.recorded events become co-watching edges, through the real Redis stream."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from mediagateway.migrate import migrate
from subgraphs.common.db import close_database, open_database
from subgraphs.common.events import Event, RedisEventBus
from subgraphs.common.profile_limits import TortoiseProfileLimits
from subgraphs.content.adapters.orm import ProfileLimitRow, TitleRow, TitleViewerRow
from subgraphs.content.catalog.domain.model import TitleKind
from subgraphs.content.consumers import CowatchConsumer, start_consumers
from subgraphs.content.graph.adapters.repository import TitleGraph


@pytest.fixture
async def titles(database_url: str) -> AsyncIterator[list[uuid.UUID]]:
    await migrate("content", database_url)
    await open_database(database_url, "subgraphs.content.adapters.orm")
    try:
        ids = [uuid.uuid4() for _ in range(3)]
        for n, title_id in enumerate(ids):
            await TitleRow.create(id=title_id, source_key=f"t:{n}", kind=TitleKind.MOVIE,
                                  title=f"Title {n}")
        yield ids
    finally:
        await close_database()


def viewing(title_id: uuid.UUID, user_id: uuid.UUID) -> Event:
    event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{title_id}{user_id}"))
    return Event(type="viewing.recorded", id=event_id,
                 payload={"event_id": event_id, "title_id": str(title_id),
                          "user_id": str(user_id), "progress": 1.0, "completed": True})


async def test_viewings_on_the_stream_make_edges(titles: list[uuid.UUID], redis_url: str) -> None:
    a, b, c = titles
    users = [uuid.uuid4() for _ in range(3)]
    events = [viewing(a, u) for u in users] + [viewing(b, u) for u in users[:2]]
    events.append(viewing(c, users[2]))
    redis = Redis.from_url(redis_url)
    bus = RedisEventBus(redis, block_ms=100)
    try:
        await bus.publish_many(events + events[:2])  # two redeliveries
        await bus.publish(Event(type="viewing.recorded", payload={"title_id": "nope"}))
        stop = asyncio.Event()
        tasks = start_consumers(bus, TitleGraph(), TortoiseProfileLimits(ProfileLimitRow), stop)
        for _ in range(100):
            if await TitleViewerRow.all().count() == 6 and await TitleGraph().neighbours(
                [a], max_hops=1
            ):
                break
            await asyncio.sleep(0.1)
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 10)
        near = await TitleGraph().neighbours([a], max_hops=1)
        assert set(near) == {b}, "c shares one viewer only: below the two in common needed"
        assert await TitleViewerRow.all().count() == 6
    finally:
        await redis.aclose()


async def test_rebuilds_wait_for_the_backlog(titles: list[uuid.UUID]) -> None:
    a, b, _ = titles
    users = [uuid.uuid4() for _ in range(2)]
    rebuilt: list[set[uuid.UUID]] = []

    class Spy(TitleGraph):
        async def rebuild_cowatch(self, only=None):  # type: ignore[no-untyped-def]
            rebuilt.append(set(only or ()))
            return await super().rebuild_cowatch(only)

    consumer = CowatchConsumer(Spy(), batch_size=2, rebuild_every_s=3600)
    await consumer.handle([viewing(a, users[0]), viewing(b, users[0])])  # a full batch: backlog
    assert rebuilt == []
    await consumer.handle([viewing(a, users[1])])  # a short batch: caught up
    assert rebuilt == [{a, b}]


async def test_a_backlog_ending_on_a_full_batch_is_still_recomputed(
    titles: list[uuid.UUID],
) -> None:
    a, b, _ = titles
    user = uuid.uuid4()
    rebuilt: list[set[uuid.UUID]] = []

    class Spy(TitleGraph):
        async def rebuild_cowatch(self, only=None):  # type: ignore[no-untyped-def]
            rebuilt.append(set(only or ()))
            return await super().rebuild_cowatch(only)

    consumer = CowatchConsumer(Spy(), batch_size=2, rebuild_every_s=0.05)
    consumer._last_rebuild += 3600  # the batch below is not yet due on its own
    await consumer.handle([viewing(a, user), viewing(b, user)])  # full, and nothing follows
    assert rebuilt == []
    consumer._last_rebuild -= 3600
    stop = asyncio.Event()
    idle = asyncio.create_task(consumer.flush_idle(stop))
    for _ in range(100):
        if rebuilt:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await idle
    assert rebuilt == [{a, b}]
