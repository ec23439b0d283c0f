"""GraphQL types of search: results with their score parts, facets and the parsed intent."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping

import strawberry
from strawberry.types import Info

from subgraphs.common.pagination import Connection, Edge, PageInfo, PageRequest
from subgraphs.content.catalog.domain import model, ordering
from subgraphs.content.catalog.domain.offers import rank_offers
from subgraphs.content.catalog.types import Offer, OfferType, Title, TitleKind, current_offers
from subgraphs.content.context import Context
from subgraphs.content.intent.domain.contract import Intent
from subgraphs.content.search.domain import model as domain

__all__ = ["SearchConnection", "SearchFilter", "SearchResult", "SearchSort"]


@strawberry.enum(description="RELEVANCE (the default): best match first. The others order "
                             "every match as `titles` does (see TitleSort).")
class SearchSort(enum.Enum):
    RELEVANCE = "relevance"
    POPULARITY = ordering.TitleSort.POPULARITY.value
    RELEASE_DATE = ordering.TitleSort.RELEASE_DATE.value
    RATING = ordering.TitleSort.RATING.value
    TITLE = ordering.TitleSort.TITLE.value
    TRENDING = ordering.TitleSort.TRENDING.value
    PRICE = ordering.TitleSort.PRICE.value


@strawberry.input(description="Hard constraints; the query's own words add more.")
class SearchFilter:
    genres: list[str] | None = strawberry.field(default=None,
                                                description="At least one of these genres.")
    blocked_genres: list[str] | None = strawberry.field(default=None,
                                                        description="None of these genres.")
    platforms: list[str] | None = None
    region: str | None = strawberry.field(
        default=None, description="ISO 3166-1 alpha-2; also the region of `bestOffer`.")
    offer_types: list[OfferType] | None = None  # type: ignore[valid-type]
    kinds: list[TitleKind] | None = None  # type: ignore[valid-type]
    year_from: int | None = None
    year_to: int | None = None
    runtime_min: int | None = None
    runtime_max: int | None = None
    min_rating: float | None = None
    max_age_rating: int | None = strawberry.field(
        default=None, description="Highest minimum age; titles without an age rating are left "
        "out when set.")
    only_my_subscriptions: bool | None = strawberry.field(
        default=None,
        description="Only titles included in a subscription of the signed-in viewer (their "
                    "platforms, in `region` or else their home region). Needs a sign-in: "
                    "anonymous callers get UNAUTHENTICATED.")

    def to_domain(self, region: str | None) -> domain.SearchFilters:
        return domain.SearchFilters(
            genres=tuple(self.genres or ()),
            blocked_genres=tuple(self.blocked_genres or ()),
            platforms=tuple(self.platforms or ()),
            regions=(region,) if region else (),
            offer_types=tuple(t.value for t in self.offer_types or ()),
            kinds=tuple(k.value for k in self.kinds or ()),
            year_from=self.year_from, year_to=self.year_to,
            runtime_min=self.runtime_min, runtime_max=self.runtime_max,
            min_rating=self.min_rating, max_age_rating=self.max_age_rating,
        )


@strawberry.type(description="Each weighted part of `score`; null when the part did not run.")
class ScoreParts:
    vector: float | None
    keyword: float | None
    graph: float | None
    popularity: float | None
    personal: float | None


@strawberry.type
class SearchResult:
    title: Title
    score: float
    parts: ScoreParts
    match_reasons: list[str]
    region: strawberry.Private[str | None]
    title_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_domain(cls, hit: domain.SearchHit, region: str | None) -> SearchResult:
        return cls(
            title=Title.from_domain(hit.title), score=hit.score,
            parts=ScoreParts(**{name: getattr(hit.parts, name) for name in domain.PARTS}),
            match_reasons=list(hit.reasons), region=region, title_id=hit.title.id,
        )

    @strawberry.field(description="The offer to show first in the filter's region.")
    async def best_offer(self, info: Info[Context, None]) -> Offer | None:
        if self.region is None:
            return None
        offers: list[model.Offer] = await current_offers(info, self.title_id, self.region, None)
        ranked = rank_offers(offers)
        return Offer.from_domain(ranked[0]) if ranked else None


@strawberry.type
class FacetCount:
    value: str
    count: int


@strawberry.type
class SearchFacets:
    genres: list[FacetCount]
    platforms: list[FacetCount]
    decades: list[FacetCount]


@strawberry.type(description="What the query was understood to ask for.")
class SearchIntent:
    text: str
    genres: list[str]
    excluded_genres: list[str]
    moods: list[str]
    kinds: list[str]
    year_from: int | None
    year_to: int | None
    runtime_min: int | None
    runtime_max: int | None
    platforms: list[str]
    regions: list[str]
    people: list[str]
    offer_types: list[str]
    references: list[str]
    parser: str

    @classmethod
    def from_domain(cls, intent: Intent) -> SearchIntent:
        data = intent.as_dict()
        return cls(**{key: data[key] for key in cls.__annotations__})


def _counts(values: Mapping[object, int]) -> list[FacetCount]:
    return [FacetCount(value=str(key), count=count) for key, count in values.items()]


@strawberry.type
class SearchConnection:
    edges: list[Edge[SearchResult]]
    page_info: PageInfo
    total_count: int
    facets: SearchFacets
    search_time_ms: float
    intent: SearchIntent
    missing_parts: list[str] = strawberry.field(
        description="Parts that failed (e.g. `vector` when embeddings timed out); the results "
        "come from the others.")

    @classmethod
    def from_domain(cls, page: domain.SearchPage, request: PageRequest,
                    region: str | None) -> SearchConnection:
        # The shared builder numbers the cursors and fills the page info; search adds the rest.
        base = Connection[SearchResult].build(
            page.hits, request, page.total, lambda hit: SearchResult.from_domain(hit, region))
        return cls(
            edges=base.edges,
            page_info=base.page_info,
            total_count=base.total_count,
            facets=SearchFacets(genres=_counts(page.facets.genres),
                                platforms=_counts(page.facets.platforms),
                                decades=_counts(page.facets.decades)),
            search_time_ms=round(page.search_time_ms, 3),
            intent=SearchIntent.from_domain(page.intent),
            missing_parts=list(page.missing_parts),
        )
