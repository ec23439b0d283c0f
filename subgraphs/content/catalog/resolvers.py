"""The catalog's root fields: parse arguments, call a service, map the result.

Each is a field object; `schema.py` places them on `Query` in the API's field order.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.common.ids import parse_id
from subgraphs.common.pagination import Connection, Edge, PageInfo, PageRequest
from subgraphs.content.catalog import services
from subgraphs.content.catalog.cursors import decode_keyset, encode_keyset
from subgraphs.content.catalog.domain import model, ordering
from subgraphs.content.catalog.types import (
    Genre,
    Platform,
    SortOrder,
    Title,
    TitleFilter,
    TitleSort,
)
from subgraphs.content.context import Context

__all__ = ["genres", "platforms", "title", "titles"]


async def _title(info: Info[Context, None], id: strawberry.ID) -> Title:
    title = await services.get_title(info.context.repo, parse_id(id, "title id"))
    return Title.from_domain(title)


async def _titles(
    info: Info[Context, None],
    first: int | None = None,
    after: str | None = None,
    filter: TitleFilter | None = None,
    sort_by: TitleSort = ordering.TitleSort.POPULARITY,  # type: ignore[valid-type,assignment]
    sort_order: SortOrder | None = None,
) -> Connection[Title]:
    limit = PageRequest.from_args(first, None).limit
    listing = services.TitleListing(
        filter=filter.to_domain() if filter else model.TitleFilter(),
        sort=ordering.TitleSort(sort_by),
        descending=None if sort_order is None else sort_order is SortOrder.DESC,
        only_my_subscriptions=bool(filter and filter.only_my_subscriptions),
    )
    title_filter, order = await services.resolve_listing(
        listing, info.context.viewer, info.context.viewers)
    keyset = decode_keyset(after, order) if after is not None else None
    page = await services.ordered_titles(info.context.repo, title_filter, order, keyset, limit)
    return _connection(page, order, resumed=after is not None)


def _connection(page: services.OrderedPage, order: ordering.TitleOrder,
                resumed: bool) -> Connection[Title]:
    """A keyset page as a connection: each edge's cursor is its title's place in `order`."""
    edges = [Edge(cursor=encode_keyset(order, value, title.id), node=Title.from_domain(title))
             for title, value in page.items]
    return Connection[Title](
        edges=edges,
        page_info=PageInfo(has_next_page=page.has_next, has_previous_page=resumed,
                           start_cursor=edges[0].cursor if edges else None,
                           end_cursor=edges[-1].cursor if edges else None),
        total_count=page.total,
    )


async def _genres(info: Info[Context, None]) -> list[Genre]:
    return [Genre.from_domain(genre) for genre in await info.context.repo.all_genres()]


async def _platforms(info: Info[Context, None]) -> list[Platform]:
    return [Platform.from_domain(p) for p in await info.context.repo.all_platforms()]


title = strawberry.field(resolver=_title)
titles = strawberry.field(
    resolver=_titles,
    description="Titles in `sortBy` order (most popular first by default), paged by keyset "
    "cursors: a cursor resumes only the order it came from. PRICE compares the cheapest "
    "current rent, buy or free offer in `filter.region` (else the viewer's home region; "
    "subscription offers have no per-title price). Age certification is not offered: no feed "
    "we ingest (MovieLens, JSON Lines, TMDb-style) carries one, and none is made up.")
genres = strawberry.field(resolver=_genres)
platforms = strawberry.field(resolver=_platforms)
