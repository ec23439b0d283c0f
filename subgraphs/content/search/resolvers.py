"""`search`: parse arguments, call the search use case, map the page."""

from __future__ import annotations

from dataclasses import replace

import strawberry
from strawberry.types import Info

from subgraphs.common.pagination import PageRequest
from subgraphs.content.catalog import services
from subgraphs.content.catalog.domain.ordering import TitleSort
from subgraphs.content.catalog.types import SortOrder
from subgraphs.content.context import Context
from subgraphs.content.search.domain.model import SearchFilters
from subgraphs.content.search.domain.parental import restrict
from subgraphs.content.search.types import SearchConnection, SearchFilter, SearchSort

__all__ = ["search"]


async def _search(
    info: Info[Context, None],
    query: str,
    filter: SearchFilter | None = None,
    first: int | None = None,
    after: str | None = None,
    sort_by: SearchSort = SearchSort.RELEVANCE,
    sort_order: SortOrder | None = None,
) -> SearchConnection:
    page = PageRequest.from_args(first, after)
    region = services.normalise_region(filter.region) if filter and filter.region else None
    order = None
    if sort_by is not SearchSort.RELEVANCE:
        order = await services.title_order(
            TitleSort(sort_by.value), None if sort_order is None else sort_order is SortOrder.DESC,
            region, info.context.viewer, info.context.viewers)
    filters = filter.to_domain(region) if filter else SearchFilters()
    if filter and filter.only_my_subscriptions:
        filters = await _only_mine(info, filters, region)
    filters = restrict(filters, await services.acting_profile_limits(
        info.context.profiles, info.context.viewer))
    result = await info.context.search.search(
        query, filters, page.offset, page.limit, viewer_id=info.context.viewer.user_id,
        order=order,
    )
    intent_regions = result.intent.regions
    # The filter's region, else the one the query names, else the signed-in viewer's own.
    best_region = (region or (intent_regions[0] if intent_regions else None)
                   or info.context.viewer.home_region)
    return SearchConnection.from_domain(result, page, best_region)


# A slug no platform has: a viewer who subscribes to nothing is included in nothing.
_NO_PLATFORM = "(none)"


async def _only_mine(
    info: Info[Context, None], filters: SearchFilters, region: str | None
) -> SearchFilters:
    mine, home = await services.my_subscriptions(info.context.viewer, info.context.viewers)
    wanted = [slug for slug in mine if not filters.platforms or slug in filters.platforms]
    region = region or home
    return replace(filters, platforms=tuple(wanted) or (_NO_PLATFORM,),
                   offer_types=("subscription",),
                   regions=(services.normalise_region(region),) if region else filters.regions)


# The root field; `schema.py` places it on `Query`.
search = strawberry.field(
    resolver=_search,
    description="Hybrid search (keyword + meaning + title graph): typos in titles are "
    "tolerated; the query's slots (\"90s sci-fi on Netflix\") become filters. `sortBy` "
    "orders every match by another key (RELEVANCE by default); `sortOrder` as `titles`.",
)
