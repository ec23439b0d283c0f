"""The recommendations subgraph's ASGI app; its lifespan runs the event consumers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette

from subgraphs.common.app import build_app
from subgraphs.common.auth import Viewer
from subgraphs.common.events import RedisEventBus
from subgraphs.common.resources import service_resources
from subgraphs.recommendations.adapters.consumer import start_consumers
from subgraphs.recommendations.adapters.repository import TortoiseRecommendationsRepository
from subgraphs.recommendations.context import Context
from subgraphs.recommendations.loaders import make_loaders
from subgraphs.recommendations.schema import schema
from subgraphs.recommendations.settings import MODELS, NAME, Settings

__all__ = ["create_app"]

logger = logging.getLogger("mediagateway.recommendations")
_SHUTDOWN_GRACE = 5.0


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env(NAME)
    repo = TortoiseRecommendationsRepository()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with service_resources(settings, MODELS) as redis:
            app.state.redis = redis
            stop = asyncio.Event()
            consumers = start_consumers(RedisEventBus(redis), repo, stop)
            try:
                yield
            finally:
                stop.set()
                # Consumers finish their batch and leave; one stuck longer is cancelled.
                _, stuck = await asyncio.wait(consumers, timeout=_SHUTDOWN_GRACE)
                for task in stuck:
                    task.cancel()
                if stuck:
                    logger.warning("%d event consumers did not stop in time", len(stuck))

    async def context(request, response, viewer: Viewer) -> Context:  # type: ignore[no-untyped-def]
        return Context(
            request=request, response=response, viewer=viewer, repo=repo,
            loaders=make_loaders(repo),
        )

    return build_app(
        name=NAME,
        schema=schema,
        context_factory=context,
        router_secret=settings.router_secret,
        lifespan=lifespan,
    )
