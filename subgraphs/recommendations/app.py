"""The recommendations subgraph's ASGI app and composition root.

Its lifespan runs the event consumers, watches the model directory for new artifacts and,
unless `MG_RECOMMENDATIONS_RETRAIN_SECONDS=0`, has the training worker rebuild the model now and
then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator

from cachetools import TTLCache
from starlette.applications import Starlette
from threadpoolctl import threadpool_limits

from subgraphs.common.app import build_app
from subgraphs.common.auth import Viewer
from subgraphs.common.erasure import start_erasure
from subgraphs.common.events import RedisEventBus
from subgraphs.common.resources import service_resources
from subgraphs.common.settings import ServiceSettings
from subgraphs.recommendations.adapters.artifact import ModelHolder
from subgraphs.recommendations.adapters.cached_repository import CachedRecommendationsRepository
from subgraphs.recommendations.adapters.retrain import retrain_periodically
from subgraphs.recommendations.charts import consumers as chart_consumers
from subgraphs.recommendations.charts.adapters.repository import TortoiseChartsRepository
from subgraphs.recommendations.charts.services import ChartBook
from subgraphs.recommendations.consumers import start_consumers
from subgraphs.recommendations.context import Context
from subgraphs.recommendations.loaders import make_loaders
from subgraphs.recommendations.routes import make_routes
from subgraphs.recommendations.schema import schema
from subgraphs.recommendations.settings import MODELS, NAME, Settings

__all__ = ["create_app"]

logger = logging.getLogger("mediagateway.recommendations")
_SHUTDOWN_GRACE = 5.0
# A user's scores serve every call of one search (and its next page) for this long.
_SCORES_TTL = 30.0


def create_app(settings: ServiceSettings | None = None) -> Starlette:
    # Read once, here: what a caller set wins, the rest comes from the environment.
    settings = Settings.extending(settings) if settings is not None else Settings.from_env()
    repo = CachedRecommendationsRepository()
    models = ModelHolder(settings.model_dir, settings.poll_seconds)
    memo: TTLCache = TTLCache(maxsize=256, ttl=_SCORES_TTL)
    chart_facts = TortoiseChartsRepository()
    charts = ChartBook(chart_facts, refresh_seconds=settings.charts_refresh_seconds,
                       snapshot_seconds=settings.charts_snapshot_seconds)

    async def erase(user_id: uuid.UUID) -> None:
        """Account deletion: the user's rows, and what this process remembers of them."""
        await repo.erase_user(user_id)
        await chart_facts.erase_user(user_id)
        await charts.forget(user_id)
        for key in [k for k in list(memo) if k[0] == user_id]:
            memo.pop(key, None)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # A request's products are small: BLAS threads only wait on each other (and on the
        # other requests' CPU), so serving computes on one.
        blas = threadpool_limits(1, "blas")
        async with service_resources(settings, MODELS) as redis:
            app.state.redis = redis
            stop = asyncio.Event()
            try:
                await asyncio.to_thread(models.refresh)
            except Exception:
                logger.exception("the recommendations model could not be loaded")
            bus = RedisEventBus(redis)
            tasks = start_consumers(bus, repo, models, stop)
            tasks += chart_consumers.start_consumers(bus, chart_facts, stop)
            tasks.append(asyncio.create_task(charts.run(stop), name="charts:refresh"))
            tasks.append(start_erasure(bus, NAME, erase, stop))
            tasks.append(asyncio.create_task(models.watch(stop), name="models:watch"))
            if settings.retrain_seconds > 0:
                tasks.append(asyncio.create_task(
                    retrain_periodically(repo, models, settings.retrain_seconds, stop),
                    name="models:retrain"))
            try:
                yield
            finally:
                stop.set()
                # Consumers finish their batch and leave; one stuck longer is cancelled.
                _, stuck = await asyncio.wait(tasks, timeout=_SHUTDOWN_GRACE)
                for task in stuck:
                    task.cancel()
                if stuck:
                    logger.warning("%d background tasks did not stop in time", len(stuck))
                blas.restore_original_limits()

    async def context(request, response, viewer: Viewer) -> Context:  # type: ignore[no-untyped-def]
        return Context(
            request=request, response=response, viewer=viewer, repo=repo,
            loaders=make_loaders(repo, charts), models=models, scores_memo=memo, charts=charts,
        )

    return build_app(
        name=NAME,
        schema=schema,
        context_factory=context,
        router_secret=settings.router_secret,
        lifespan=lifespan,
        routes=make_routes(repo, models, settings.router_secret, memo),
    )
