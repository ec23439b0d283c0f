"""Query root of the charts: `streamingCharts`."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from subgraphs.common.pagination import Connection, PageRequest
from subgraphs.recommendations.charts import services
from subgraphs.recommendations.charts.types import ChartEntry
from subgraphs.recommendations.context import Context
from subgraphs.recommendations.types import Title

__all__ = ["Query"]


@strawberry.type
class Query:
    @strawberry.field(description="A streaming chart: the titles most watched lately in a region "
                                  "(on one platform, or all), decayed (half-life 7 days), top "
                                  "100, with each title's trend since the previous day. A "
                                  "profile's parental limits leave titles out (the others keep "
                                  "their ranks).")
    async def streaming_charts(
        self, info: Info[Context, None],
        region: Annotated[str, strawberry.argument(description="ISO 3166-1 alpha-2.")],
        platform: Annotated[str | None, strawberry.argument(
            description="A platform's slug (`Platform.slug`); null: all platforms.")] = None,
        first: int = 10, after: str | None = None,
    ) -> Connection[ChartEntry]:
        page = PageRequest.from_args(first, after)
        book = info.context.charts
        await book.wait_ready()
        chart = book.chart_key(region, platform)
        items, total = await services.chart_page(book, info.context.repo, info.context.viewer,
                                                 chart, page.offset, page.limit)
        return Connection[ChartEntry].build(
            items, page, total, lambda e: ChartEntry.from_domain(e, Title.of(e.title_id)))
