"""The playback subgraph's ASGI app, and its composition root: every store, service and
background task is built here, and resolvers reach them through the typed `Context`."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from starlette.applications import Starlette

from subgraphs.common.app import build_app
from subgraphs.common.auth import Viewer
from subgraphs.common.erasure import start_erasure
from subgraphs.common.events import RedisEventBus
from subgraphs.common.outbox import OutboxRelay
from subgraphs.common.resources import service_resources
from subgraphs.common.settings import ServiceSettings
from subgraphs.common.sign_in_watch import SignInWatch
from subgraphs.playback.account.erasure import erase_user
from subgraphs.playback.context import Context, make_loaders
from subgraphs.playback.devices.adapters.repository import TortoiseDeviceRepository
from subgraphs.playback.devices.presence import run_sweeper
from subgraphs.playback.facts import consumers as fact_consumers
from subgraphs.playback.facts.adapters.repository import TortoiseFactsRepository
from subgraphs.playback.live.hub import SyncHub
from subgraphs.playback.live.slots import SubscriptionSlots
from subgraphs.playback.remote.adapters.channel import RedisDeviceChannel
from subgraphs.playback.remote.adapters.commands import TortoiseCommandRepository
from subgraphs.playback.schema import schema
from subgraphs.playback.sessions.adapters.publisher import (
    RedisPlaybackFeed,
    RedisPlaybackPublisher,
)
from subgraphs.playback.sessions.adapters.repository import TortoiseSessionRepository
from subgraphs.playback.settings import MODELS, NAME, Settings
from subgraphs.playback.sync import consumers as sync_consumers
from subgraphs.playback.sync.adapters.directory import RegisteredDevices
from subgraphs.playback.sync.adapters.store import TortoiseSyncStore
from subgraphs.playback.sync.documents import SyncDocuments
from subgraphs.playback.sync.services import SyncService

__all__ = ["create_app"]

logger = logging.getLogger("mediagateway.playback")
_SHUTDOWN_GRACE = 5.0


@dataclass(frozen=True)
class _Running:
    """What the lifespan opens on Redis, for every request's context while the app runs."""

    publisher: RedisPlaybackPublisher
    feed: RedisPlaybackFeed
    channel: RedisDeviceChannel
    sync: SyncService
    sync_hub: SyncHub
    sign_ins: SignInWatch


def create_app(settings: ServiceSettings | None = None) -> Starlette:
    # Read once, here: what a caller set wins, the rest comes from the environment.
    settings = Settings.extending(settings) if settings is not None else Settings.from_env()
    devices = TortoiseDeviceRepository()
    sessions = TortoiseSessionRepository()
    commands = TortoiseCommandRepository()
    facts = TortoiseFactsRepository()
    subscriptions = SubscriptionSlots(settings.max_subscriptions_per_user)
    running: _Running | None = None

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        nonlocal running
        async with service_resources(settings, MODELS) as redis:
            bus = RedisEventBus(redis)
            # Every event of this subgraph leaves through its outbox, staged with its write.
            outbox = OutboxRelay(bus)
            # A device that misses a live sync message catches up by state vector: publishing
            # is best effort, so a sync write committed while Redis is away is still reported.
            sync_hub = SyncHub(redis, catch_up_follows=True)
            documents = SyncDocuments(TortoiseSyncStore(), sync_hub, outbox,
                                      quota_bytes=settings.sync_quota_bytes)
            channel = RedisDeviceChannel(redis)
            running = _Running(
                publisher=RedisPlaybackPublisher(outbox, redis),
                feed=RedisPlaybackFeed(redis),
                channel=channel,
                sync=SyncService(documents, devices=RegisteredDevices(devices), titles=facts,
                                 max_drift_ms=settings.sync_max_drift_s * 1000),
                sync_hub=sync_hub,
                # Live subscriptions end within seconds of their sign-in's revocation.
                sign_ins=SignInWatch(redis),
            )
            # Background work: projections of other subgraphs' events, the users' facts in
            # sync documents, the presence sweep, the outbox relay and account erasure.
            stop = asyncio.Event()
            tasks = [
                *fact_consumers.start_consumers(bus, facts, channel, devices, stop),
                *sync_consumers.start_consumers(bus, documents, stop),
                asyncio.create_task(run_sweeper(devices, commands, channel, stop),
                                    name="presence-sweeper"),
                asyncio.create_task(running.sign_ins.run(stop), name="sign-in-watch"),
                asyncio.create_task(outbox.run(stop), name="playback:outbox"),
                start_erasure(bus, NAME, functools.partial(erase_user, sync=documents), stop),
            ]
            # What start-up built (schema, models, modules) lives as long as the process: out
            # of the collector's way, full collections with many sockets open walk half as much.
            gc.freeze()
            try:
                yield
            finally:
                stop.set()
                _, stuck = await asyncio.wait(tasks, timeout=_SHUTDOWN_GRACE)
                for task in stuck:
                    task.cancel()
                if stuck:
                    logger.warning("%d background tasks did not stop in time", len(stuck))
                await channel.close()
                await running.feed.close()
                await sync_hub.close()

    async def context(request, response, viewer: Viewer) -> Context:  # type: ignore[no-untyped-def]
        assert running is not None, "requests are served only while the lifespan runs"
        return Context(
            request=request, response=response, viewer=viewer,
            loaders=make_loaders(devices, sessions), devices=devices, sessions=sessions,
            commands=commands, facts=facts, publisher=running.publisher, feed=running.feed,
            channel=running.channel, sync=running.sync, sync_hub=running.sync_hub,
            subscriptions=subscriptions, sign_ins=running.sign_ins,
        )

    return build_app(
        name=NAME,
        schema=schema,
        context_factory=context,
        router_secret=settings.router_secret,
        lifespan=lifespan,
        # The router carries one identity's subscriptions on one socket: the limit is ours,
        # per user (`SubscriptionSlots`), not Strawberry's unnamed one per socket.
        max_subscriptions_per_connection=None,
    )
