"""The availability lists' root fields: parse arguments, call a service, map the result.

Each is a field object; `schema.py` places them on `Query` in the API's field order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from functools import partial
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from subgraphs.common.pagination import PageRequest
from subgraphs.content.availability import services
from subgraphs.content.availability.domain.model import ChangeKind
from subgraphs.content.availability.domain.windows import (
    DEFAULT_LOOKBACK_DAYS,
    DEFAULT_WITHIN_DAYS,
    MAX_LOOKBACK_DAYS,
    MAX_WITHIN_DAYS,
)
from subgraphs.content.availability.types import AvailabilityConnection
from subgraphs.content.catalog.services import acting_profile_limits
from subgraphs.content.context import Context

__all__ = ["leaving_soon", "new_arrivals", "price_drops"]

Region = Annotated[str, strawberry.argument(description="ISO 3166-1 alpha-2")]
Platforms = Annotated[list[str] | None, strawberry.argument(
    description="Platform slugs; none: every platform.")]
Since = Annotated[date | None, strawberry.argument(
    description=f"The first day (UTC) to include, at most {MAX_LOOKBACK_DAYS} days back; "
                f"default {DEFAULT_LOOKBACK_DAYS} days ago.")]


async def _connection(info: Info[Context, None], first: int | None, after: str | None,
                      read: Callable[..., Awaitable[services.Page]], **arguments: Any
                      ) -> AvailabilityConnection:
    """One page of a list: the viewer's profile limits and the clock added to `arguments`."""
    page = PageRequest.from_args(first, after)
    ctx = info.context
    items, total = await read(
        repo=ctx.availability, limits=await acting_profile_limits(ctx.profiles, ctx.viewer),
        now=datetime.now(UTC), offset=page.offset, limit=page.limit, **arguments)
    return AvailabilityConnection.from_domain(items, page, total)


async def _leaving_soon(
    info: Info[Context, None],
    region: Region,
    within_days: Annotated[int | None, strawberry.argument(
        description=f"1 to {MAX_WITHIN_DAYS}; default {DEFAULT_WITHIN_DAYS}.")] = None,
    platforms: Platforms = None,
    first: int | None = None,
    after: str | None = None,
) -> AvailabilityConnection:
    return await _connection(info, first, after, services.leaving_soon, region=region,
                             within_days=within_days, platforms=platforms or ())


async def _new_arrivals(
    info: Info[Context, None],
    region: Region,
    since: Since = None,
    platforms: Platforms = None,
    first: int | None = None,
    after: str | None = None,
) -> AvailabilityConnection:
    return await _connection(info, first, after, partial(services.changes, ChangeKind.APPEARED),
                             region=region, since=since, platforms=platforms or ())


async def _price_drops(
    info: Info[Context, None],
    region: Region,
    since: Since = None,
    platforms: Platforms = None,
    first: int | None = None,
    after: str | None = None,
) -> AvailabilityConnection:
    return await _connection(info, first, after,
                             partial(services.changes, ChangeKind.PRICE_DROPPED),
                             region=region, since=since, platforms=platforms or ())


leaving_soon = strawberry.field(
    resolver=_leaving_soon,
    description="Offers available now that end within `withinDays`, soonest first.")
new_arrivals = strawberry.field(
    resolver=_new_arrivals,
    description="Offers that became available since `since` and still are, newest first.")
price_drops = strawberry.field(
    resolver=_price_drops,
    description="Offers whose price went down since `since` and that are still offered, "
                "newest first.")
