"""The content subgraph's ASGI app and its composition root: settings are read and every
service is built here, once, at start-up; resolvers reach them through the typed `Context`."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

from starlette.applications import Starlette

from subgraphs.common.app import build_app
from subgraphs.common.auth import Viewer
from subgraphs.common.erasure import start_erasure
from subgraphs.common.events import RedisEventBus
from subgraphs.common.outbox import OutboxRelay
from subgraphs.common.profile_limits import TortoiseProfileLimits
from subgraphs.common.resources import service_resources
from subgraphs.common.settings import ServiceSettings
from subgraphs.content.adapters.orm import ProfileLimitRow
from subgraphs.content.availability.adapters.repository import TortoiseAvailabilityRepository
from subgraphs.content.catalog.adapters.repository import TortoiseContentRepository
from subgraphs.content.catalog.adapters.trending import TortoiseTrending
from subgraphs.content.catalog.adapters.viewers import TortoiseViewerPlatforms
from subgraphs.content.catalog.loaders import make_loaders
from subgraphs.content.consumers import start_consumers
from subgraphs.content.context import Context
from subgraphs.content.graph.adapters.repository import TitleGraph
from subgraphs.content.intent.build import intent_parsers
from subgraphs.content.intent.settings import IntentSettings
from subgraphs.content.schema import schema
from subgraphs.content.search.adapters.personal import personal_scores
from subgraphs.content.search.build import build_search
from subgraphs.content.search.settings import SearchSettings
from subgraphs.content.settings import MODELS, NAME, Settings

__all__ = ["create_app"]

_SHUTDOWN_GRACE = 5.0


def create_app(
    settings: ServiceSettings | None = None,
    search_settings: SearchSettings | None = None,
    intent_settings: IntentSettings | None = None,
) -> Starlette:
    """Settings not given are read from the environment here; nothing reads it later (what a
    caller set on shared settings wins, the rest comes from the environment)."""
    settings = Settings.extending(settings) if settings is not None else Settings.from_env()
    search_settings = search_settings or settings.search
    intent_settings = intent_settings or settings.intent
    repo = TortoiseContentRepository()
    profiles = TortoiseProfileLimits(ProfileLimitRow)
    availability = TortoiseAvailabilityRepository()
    viewers = TortoiseViewerPlatforms()
    graph = TitleGraph()
    # The LLM client (when a key is set) is made here; the parser itself once the search
    # service has read the catalog's genres and platforms.
    search = build_search(repo, search_settings, graph=graph,
                          parsers=intent_parsers(intent_settings))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with (
            service_resources(settings, MODELS) as redis,
            # Its HTTP client lives as long as the app, on the app's loop: connections stay
            # open between searches.
            personal_scores(search_settings.personal_url, settings.router_secret,
                            search_settings.personal_timeout) as personal,
        ):
            search.service.personal = personal
            # Warm up in the background: the app answers other queries meanwhile.
            warming = asyncio.create_task(search.service.warm())
            # Viewing events feed the title graph's co-watching edges; profile changes the
            # parental limits search applies.
            stop = asyncio.Event()
            bus = RedisEventBus(redis)
            consumers = start_consumers(bus, graph, profiles, stop, viewers=viewers,
                                        trending=TortoiseTrending())

            async def erase(user_id: uuid.UUID) -> None:
                await graph.forget_viewer(user_id)
                await profiles.forget_user(user_id)
                await viewers.forget_user(user_id)

            consumers.append(start_erasure(bus, NAME, erase, stop))
            consumers.append(asyncio.create_task(search.service.follow_index(stop)))
            # Ingestion stages its events with its rows: what a run left (Redis away, or the
            # run died after a commit) is published from here. A run deletes what it sent
            # with its next commit (up to GROUP_SECONDS later): rounds are longer than that.
            consumers.append(asyncio.create_task(OutboxRelay(bus, interval=10.0).run(stop),
                                                 name="content:outbox"))
            try:
                yield
            finally:
                warming.cancel()
                stop.set()
                # Consumers finish their batch and leave; one stuck longer is cancelled.
                _, stuck = await asyncio.wait(consumers, timeout=_SHUTDOWN_GRACE)
                for task in stuck:
                    task.cancel()
                await search.close()

    async def context(request, response, viewer: Viewer) -> Context:  # type: ignore[no-untyped-def]
        return Context(
            request=request, response=response, viewer=viewer, repo=repo,
            loaders=make_loaders(repo), search=search.service, profiles=profiles,
            availability=availability,
            viewers=viewers,
        )

    return build_app(
        name=NAME,
        schema=schema,
        context_factory=context,
        router_secret=settings.router_secret,
        lifespan=lifespan,
    )
