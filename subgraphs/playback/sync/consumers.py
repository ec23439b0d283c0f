"""Keeps sync documents in step with the users subgraph: `watchlist.changed` and
`viewing.recorded`, read through the consumer group `playback.sync` (other consumers inside
playback read the same streams through theirs)."""

from __future__ import annotations

import asyncio

from subgraphs.common import contracts
from subgraphs.common.events import Event, EventBus
from subgraphs.playback.sync.absorb import absorb_user_events
from subgraphs.playback.sync.documents import SyncDocuments

__all__ = ["GROUP", "STREAMS", "start_consumers"]

GROUP = "playback.sync"
STREAMS = (contracts.WATCHLIST_CHANGED.name, contracts.VIEWING_RECORDED.name)


def start_consumers(
    bus: EventBus, documents: SyncDocuments, stop: asyncio.Event
) -> list[asyncio.Task[None]]:
    """One background task per stream; set `stop` to end them."""

    async def handle(events: list[Event]) -> None:
        await absorb_user_events(documents, events)

    return [
        asyncio.create_task(bus.consume(stream, GROUP, handle, stop), name=f"sync:{stream}")
        for stream in STREAMS
    ]
