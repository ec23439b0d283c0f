"""Content's event consumers: `viewing.recorded` feeds the title graph's co-watching edges;
`profile.changed` keeps the profiles' parental limits that search applies.

Content never reads the users' tables: it keeps (title, hashed viewer) pairs from the events.
Storing a pair is idempotent (a redelivered event finds it stored); the co-watching edges of
the titles that gained viewers are recomputed when the stream is caught up, or at most every
`rebuild_every_s` while a backlog is drained, so a reseed of 100k events rebuilds a few times,
not 200. Pairs are durable; a crash before a rebuild only delays edges until the next one.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Mapping
from typing import Any

from subgraphs.common import contracts
from subgraphs.common.events import Event, EventBus
from subgraphs.common.parental import PROFILE_CHANGED, profile_from_payload
from subgraphs.common.profile_limits import ProfileLimitStore
from subgraphs.content.graph.adapters.repository import TitleGraph

__all__ = ["GROUP", "CowatchConsumer", "ProfileConsumer", "profile_from_payload",
           "start_consumers"]

logger = logging.getLogger("mediagateway.content.events")

GROUP = "content"
VIEWING_RECORDED = contracts.VIEWING_RECORDED.name


def _pair(payload: Mapping[str, Any]) -> tuple[uuid.UUID, uuid.UUID]:
    return uuid.UUID(str(payload["title_id"])), uuid.UUID(str(payload["user_id"]))


class CowatchConsumer:
    def __init__(
        self, graph: TitleGraph, batch_size: int = 500, rebuild_every_s: float = 30.0
    ) -> None:
        self.graph = graph
        self.batch_size = batch_size
        self.rebuild_every_s = rebuild_every_s
        self.pending: set[uuid.UUID] = set()
        self._last_rebuild = time.monotonic()

    async def handle(self, events: list[Event]) -> None:
        pairs = []
        for event in events:
            try:
                pairs.append(_pair(event.payload))
            except (KeyError, TypeError, ValueError):
                logger.warning("skipping malformed %s event %s", event.type, event.id)
        self.pending |= await self.graph.record_viewings(pairs)
        caught_up = len(events) < self.batch_size
        due = time.monotonic() - self._last_rebuild >= self.rebuild_every_s
        if self.pending and (caught_up or due):
            await self.graph.rebuild_cowatch(self.pending)
            self.pending.clear()
            self._last_rebuild = time.monotonic()


class ProfileConsumer:
    def __init__(self, store: ProfileLimitStore) -> None:
        self.store = store

    async def handle(self, events: list[Event]) -> None:
        profiles = []
        for event in events:
            try:
                profiles.append(profile_from_payload(event.payload))
            except (KeyError, TypeError, ValueError):
                logger.warning("skipping malformed %s event %s", event.type, event.id)
        await self.store.remember(profiles)


def start_consumers(
    bus: EventBus, graph: TitleGraph, profiles: ProfileLimitStore, stop: asyncio.Event,
    batch_size: int = 500,
) -> list[asyncio.Task[None]]:
    """Background tasks reading the streams content projects; set `stop` to end them."""
    cowatch = CowatchConsumer(graph, batch_size=batch_size)
    return [
        asyncio.create_task(bus.consume(VIEWING_RECORDED, GROUP, cowatch.handle, stop),
                            name=f"consume:{VIEWING_RECORDED}"),
        asyncio.create_task(bus.consume(PROFILE_CHANGED, GROUP, ProfileConsumer(profiles).handle,
                                        stop), name=f"consume:{PROFILE_CHANGED}"),
    ]
