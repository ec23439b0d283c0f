"""The catalog's root fields: parse arguments, call a service, map the result.

Each is a field object; `schema.py` places them on `Query` in the API's field order.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.common.ids import parse_id
from subgraphs.common.pagination import Connection, PageRequest
from subgraphs.content.catalog import services
from subgraphs.content.catalog.domain import model
from subgraphs.content.catalog.types import Genre, Platform, Title, TitleFilter
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
) -> Connection[Title]:
    page = PageRequest.from_args(first, after)
    title_filter = filter.to_domain() if filter else model.TitleFilter()
    items, total = await services.list_titles(
        info.context.repo, title_filter, page.offset, page.limit
    )
    return Connection[Title].build(items, page, total, Title.from_domain)


async def _genres(info: Info[Context, None]) -> list[Genre]:
    return [Genre.from_domain(genre) for genre in await info.context.repo.all_genres()]


async def _platforms(info: Info[Context, None]) -> list[Platform]:
    return [Platform.from_domain(p) for p in await info.context.repo.all_platforms()]


title = strawberry.field(resolver=_title)
titles = strawberry.field(resolver=_titles, description="Titles, most popular first.")
genres = strawberry.field(resolver=_genres)
platforms = strawberry.field(resolver=_platforms)
