"""Query root: parse arguments, call a service, map the result."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.common.ids import parse_id
from subgraphs.common.pagination import Connection, PageRequest
from subgraphs.content import services
from subgraphs.content.context import Context
from subgraphs.content.domain import model
from subgraphs.content.resolvers.search import resolve_search
from subgraphs.content.search_types import SearchConnection
from subgraphs.content.types import Genre, Platform, Title, TitleKind

__all__ = ["Query", "TitleFilter"]


@strawberry.input
class TitleFilter:
    kinds: list[TitleKind] | None = None  # type: ignore[valid-type]
    genres: list[str] | None = None
    year_from: int | None = None
    year_to: int | None = None
    platforms: list[str] | None = None
    region: str | None = strawberry.field(
        default=None, description="Only titles with an offer in this region."
    )

    def to_domain(self) -> model.TitleFilter:
        return model.TitleFilter(
            kinds=tuple(self.kinds or ()),
            genres=tuple(self.genres or ()),
            year_from=self.year_from,
            year_to=self.year_to,
            platforms=tuple(self.platforms or ()),
            region=self.region,
        )


@strawberry.type
class Query:
    @strawberry.field
    async def title(self, info: Info[Context, None], id: strawberry.ID) -> Title:
        title = await services.get_title(info.context.repo, parse_id(id, "title id"))
        return Title.from_domain(title)

    @strawberry.field(description="Titles, most popular first.")
    async def titles(
        self,
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

    search: SearchConnection = strawberry.field(
        resolver=resolve_search,
        description="Hybrid search (keyword + meaning + title graph): typos in titles are "
        "tolerated; the query's slots (\"90s sci-fi on Netflix\") become filters.",
    )

    @strawberry.field
    async def genres(self, info: Info[Context, None]) -> list[Genre]:
        return [Genre.from_domain(genre) for genre in await info.context.repo.all_genres()]

    @strawberry.field
    async def platforms(self, info: Info[Context, None]) -> list[Platform]:
        return [Platform.from_domain(p) for p in await info.context.repo.all_platforms()]
