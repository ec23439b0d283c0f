"""The playback subgraph's ASGI app."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette

from subgraphs.common.app import build_app
from subgraphs.common.auth import Viewer
from subgraphs.common.erasure import start_erasure
from subgraphs.common.events import RedisEventBus
from subgraphs.common.outbox import OutboxRelay
from subgraphs.common.resources import service_resources
from subgraphs.common.settings import ServiceSettings
from subgraphs.common.sign_in_watch import SignInWatch
from subgraphs.playback.adapters.consumer import start_consumers
from subgraphs.playback.adapters.control import TortoiseControlRepository
from subgraphs.playback.adapters.device_channel import RedisDeviceChannel
from subgraphs.playback.adapters.erasure import erase_user
from subgraphs.playback.adapters.facts import TortoiseFactsRepository
from subgraphs.playback.adapters.publisher import RedisPlaybackFeed, RedisPlaybackPublisher
from subgraphs.playback.adapters.repository import TortoisePlaybackRepository
from subgraphs.playback.adapters.sync_bridge import running_sync
from subgraphs.playback.adapters.sync_directory import RegisteredDevices
from subgraphs.playback.context import Context
from subgraphs.playback.loaders import make_loaders
from subgraphs.playback.presence import run_sweeper
from subgraphs.playback.schema import schema
from subgraphs.playback.settings import MODELS, NAME, Settings
from subgraphs.playback.subscription_slots import SubscriptionSlots
from subgraphs.playback.sync_services import SyncLimits

__all__ = ["create_app"]

logger = logging.getLogger("mediagateway.playback")
_SHUTDOWN_GRACE = 5.0


def create_app(settings: ServiceSettings | None = None) -> Starlette:
    settings = Settings.of(settings) if settings is not None else Settings.from_env(NAME)
    repo = TortoisePlaybackRepository()
    control = TortoiseControlRepository()
    facts = TortoiseFactsRepository()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        limits = SyncLimits(settings.sync_quota_bytes, settings.sync_max_drift_s * 1000)
        async with contextlib.AsyncExitStack() as resources:
            redis = await resources.enter_async_context(service_resources(settings, MODELS))
            # Every event of this subgraph leaves through its outbox, staged with its write.
            outbox = OutboxRelay(RedisEventBus(redis))
            sync = await resources.enter_async_context(running_sync(
                app, redis, outbox=outbox, devices=RegisteredDevices(repo), titles=facts,
                limits=limits))
            app.state.redis = redis
            app.state.publisher = RedisPlaybackPublisher(outbox, redis)
            app.state.feed = RedisPlaybackFeed(redis)
            app.state.devices = RedisDeviceChannel(redis)
            # Live subscriptions end within seconds of their sign-in's revocation.
            app.state.sign_ins = SignInWatch(redis)
            # Background work: projections of other subgraphs' events, and the presence sweep.
            stop = asyncio.Event()
            tasks = [
                *start_consumers(RedisEventBus(redis), facts, app.state.devices, repo, stop),
                asyncio.create_task(run_sweeper(control, app.state.devices, stop),
                                    name="presence-sweeper"),
                asyncio.create_task(app.state.sign_ins.run(stop), name="sign-in-watch"),
                asyncio.create_task(outbox.run(stop), name="playback:outbox"),
                start_erasure(RedisEventBus(redis), NAME,
                              functools.partial(erase_user, sync=sync), stop),
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
                await app.state.devices.close()
                await app.state.feed.close()

    async def context(request, response, viewer: Viewer) -> Context:  # type: ignore[no-untyped-def]
        state = request.app.state
        return Context(
            request=request, response=response, viewer=viewer, repo=repo,
            loaders=make_loaders(repo), publisher=state.publisher, feed=state.feed,
            control=control, facts=facts, devices=state.devices,
        )

    app = build_app(
        name=NAME,
        schema=schema,
        context_factory=context,
        router_secret=settings.router_secret,
        lifespan=lifespan,
        # The router carries one identity's subscriptions on one socket: the limit is ours,
        # per user (`SubscriptionSlots`), not Strawberry's unnamed one per socket.
        max_subscriptions_per_connection=None,
    )
    app.state.subscriptions = SubscriptionSlots(settings.max_subscriptions_per_user)
    return app
