"""Content's event consumers: `viewing.recorded` feeds the title graph's co-watching edges
and the titles' trending scores; `profile.changed` keeps the profiles' parental limits that
search applies; `user.registered`/`user.updated` the platforms each user subscribes to.

Content never reads the users' tables: it keeps (title, hashed viewer) pairs from the events.
Storing a pair is idempotent (a redelivered event finds it stored); the co-watching edges of
the titles that gained viewers are recomputed when the stream is caught up, or at most every
`rebuild_every_s` while a backlog is drained, so a reseed of 100k events rebuilds a few times,
not 200. Pairs are durable; a crash before a rebuild only delays edges until the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from subgraphs.common import contracts
from subgraphs.common.events import Event, EventBus
from subgraphs.common.parental import PROFILE_CHANGED, profile_from_payload
from subgraphs.common.profile_limits import ProfileLimitStore
from subgraphs.content.catalog.adapters.trending import TortoiseTrending
from subgraphs.content.catalog.adapters.viewers import ViewerPlatforms, ViewerPlatformsStore
from subgraphs.content.graph.adapters.repository import TitleGraph, viewer_key

__all__ = ["GROUP", "CowatchConsumer", "ProfileConsumer", "ViewerPlatformsConsumer",
           "profile_from_payload", "start_consumers"]

logger = logging.getLogger("mediagateway.content.events")

GROUP = "content"
VIEWING_RECORDED = contracts.VIEWING_RECORDED.name


def _pair(payload: Mapping[str, Any]) -> tuple[uuid.UUID, uuid.UUID]:
    return uuid.UUID(str(payload["title_id"])), uuid.UUID(str(payload["user_id"]))


def _viewing(payload: Mapping[str, Any]) -> tuple[uuid.UUID, uuid.UUID, datetime | None]:
    """(title, user, when); an event without a time still makes a co-watching pair."""
    title_id, user_id = _pair(payload)
    at = payload.get("occurred_at")
    if at is not None and not isinstance(at, datetime):
        at = datetime.fromisoformat(str(at))
    return title_id, user_id, at


class CowatchConsumer:
    """Co-watching edges and trending scores, both recomputed when the stream is caught up."""

    def __init__(
        self, graph: TitleGraph, batch_size: int = 500, rebuild_every_s: float = 30.0,
        trending: TortoiseTrending | None = None,
    ) -> None:
        self.graph = graph
        self.trending = trending
        self.batch_size = batch_size
        self.rebuild_every_s = rebuild_every_s
        self.pending: set[uuid.UUID] = set()
        self.trend_pending: set[uuid.UUID] = set()
        self._last_rebuild = time.monotonic()
        self._lock = asyncio.Lock()

    async def handle(self, events: list[Event]) -> None:
        viewings = []
        for event in events:
            try:
                viewings.append(_viewing(event.payload))
            except (KeyError, TypeError, ValueError):
                logger.warning("skipping malformed %s event %s", event.type, event.id)
        self.pending |= await self.graph.record_viewings((t, u) for t, u, _ in viewings)
        if self.trending is not None:
            self.trend_pending |= await self.trending.record(
                (t, viewer_key(u), at) for t, u, at in viewings if at is not None)
        caught_up = len(events) < self.batch_size
        due = time.monotonic() - self._last_rebuild >= self.rebuild_every_s
        if caught_up or due:
            await self.flush()

    async def flush(self) -> None:
        """Recompute what the viewings since the last time changed."""
        async with self._lock:
            pending, trend_pending = set(self.pending), set(self.trend_pending)
            self.pending.clear()
            self.trend_pending.clear()
            if pending:
                await self.graph.rebuild_cowatch(pending)
            if self.trending is not None and trend_pending:
                await self.trending.refresh(trend_pending)
            self._last_rebuild = time.monotonic()

    async def flush_idle(self, stop: asyncio.Event) -> None:
        """A backlog that ends on a full batch leaves no smaller one to say it is caught up:
        flush what is pending once it has waited `rebuild_every_s`."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.rebuild_every_s)
            due = time.monotonic() - self._last_rebuild >= self.rebuild_every_s
            if due and (self.pending or self.trend_pending):
                try:
                    await self.flush()
                except Exception:  # the next batch or round tries again
                    logger.exception("recomputing co-watching and trending failed")


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


class ViewerPlatformsConsumer:
    def __init__(self, store: ViewerPlatformsStore, replace: bool = True) -> None:
        self.store = store
        self.replace = replace

    async def handle(self, events: list[Event]) -> None:
        viewers = []
        for event in events:
            try:
                payload = event.payload
                viewers.append(ViewerPlatforms(
                    uuid.UUID(str(payload["user_id"])), str(payload["home_region"]),
                    tuple(str(slug) for slug in payload["subscribed_platforms"])))
            except (KeyError, TypeError, ValueError):
                logger.warning("skipping malformed %s event %s", event.type, event.id)
        await self.store.remember(viewers, replace=self.replace)


def start_consumers(
    bus: EventBus, graph: TitleGraph, profiles: ProfileLimitStore, stop: asyncio.Event,
    batch_size: int = 500, viewers: ViewerPlatformsStore | None = None,
    trending: TortoiseTrending | None = None,
) -> list[asyncio.Task[None]]:
    """Background tasks reading the streams content projects; set `stop` to end them."""
    cowatch = CowatchConsumer(graph, batch_size=batch_size, trending=trending)
    tasks = [
        asyncio.create_task(bus.consume(VIEWING_RECORDED, GROUP, cowatch.handle, stop),
                            name=f"consume:{VIEWING_RECORDED}"),
        asyncio.create_task(cowatch.flush_idle(stop), name="content:viewings-flush"),
        asyncio.create_task(bus.consume(PROFILE_CHANGED, GROUP, ProfileConsumer(profiles).handle,
                                        stop), name=f"consume:{PROFILE_CHANGED}"),
    ]
    if viewers is not None:
        # Both streams carry a user's whole state; a registration read after an update (two
        # streams, no order between them) must not undo it, so it only fills a missing row.
        for stream, replace in ((contracts.USER_REGISTERED.name, False),
                                (contracts.USER_UPDATED.name, True)):
            handler = ViewerPlatformsConsumer(viewers, replace=replace).handle
            tasks.append(asyncio.create_task(bus.consume(stream, GROUP, handler, stop),
                                             name=f"consume:{stream}"))
    return tasks
