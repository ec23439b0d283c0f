"""The playback subgraph's ASGI app."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette

from subgraphs.common.app import build_app
from subgraphs.common.auth import Viewer
from subgraphs.common.events import RedisEventBus
from subgraphs.common.resources import service_resources
from subgraphs.playback.adapters.publisher import RedisPlaybackFeed, RedisPlaybackPublisher
from subgraphs.playback.adapters.repository import TortoisePlaybackRepository
from subgraphs.playback.context import Context
from subgraphs.playback.loaders import make_loaders
from subgraphs.playback.schema import schema
from subgraphs.playback.settings import MODELS, NAME, Settings

__all__ = ["create_app"]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env(NAME)
    repo = TortoisePlaybackRepository()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with service_resources(settings, MODELS) as redis:
            app.state.redis = redis
            app.state.publisher = RedisPlaybackPublisher(RedisEventBus(redis), redis)
            app.state.feed = RedisPlaybackFeed(redis)
            yield

    async def context(request, response, viewer: Viewer) -> Context:  # type: ignore[no-untyped-def]
        state = request.app.state
        return Context(
            request=request, response=response, viewer=viewer, repo=repo,
            loaders=make_loaders(repo), publisher=state.publisher, feed=state.feed,
        )

    return build_app(
        name=NAME,
        schema=schema,
        context_factory=context,
        router_secret=settings.router_secret,
        lifespan=lifespan,
    )
