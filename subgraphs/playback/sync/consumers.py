"""Keeps sync documents in step with the users subgraph, and runs the sync machinery.

`running_sync` is entered by the app's lifespan: it builds the SyncService on `app.state.sync`,
and consumes `watchlist.changed` and `viewing.recorded` through its own consumer group,
`playback.sync` (other consumers inside playback read the same streams through theirs).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from redis.asyncio import Redis

from subgraphs.common.events import Event, RedisEventBus
from subgraphs.common.outbox import Outbox
from subgraphs.playback.adapters.sync_feed import SyncHub
from subgraphs.playback.adapters.sync_store import TortoiseSyncStore
from subgraphs.playback.sync_services import (
    DeviceDirectory,
    SyncLimits,
    SyncService,
    TitleDirectory,
)

__all__ = ["GROUP", "STREAMS", "running_sync"]

logger = logging.getLogger("mediagateway.playback")

GROUP = "playback.sync"
STREAMS = ("watchlist.changed", "viewing.recorded")
_SHUTDOWN_GRACE = 5.0


@contextlib.asynccontextmanager
async def running_sync(
    app: Any, redis: Redis, *, outbox: Outbox, devices: DeviceDirectory,
    titles: TitleDirectory, limits: SyncLimits,
) -> AsyncIterator[SyncService]:
    bus = RedisEventBus(redis)
    # A device that misses a live message catches up by state vector: publishing is best
    # effort, so a sync write committed while Redis is away is still reported done.
    hub = SyncHub(redis, catch_up_follows=True)
    service = SyncService(TortoiseSyncStore(), hub, outbox, devices=devices, titles=titles,
                          limits=limits)
    app.state.sync = service
    stop = asyncio.Event()

    async def handle(events: list[Event]) -> None:
        await service.absorb_user_events(events)

    tasks = [
        asyncio.create_task(bus.consume(stream, GROUP, handle, stop), name=f"sync:{stream}")
        for stream in STREAMS
    ]
    try:
        yield service
    finally:
        stop.set()
        _, stuck = await asyncio.wait(tasks, timeout=_SHUTDOWN_GRACE)
        for task in stuck:
            task.cancel()
        if stuck:
            logger.warning("%d sync consumers did not stop in time", len(stuck))
        await hub.close()
