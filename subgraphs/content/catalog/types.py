"""GraphQL types of the catalog and their mapping from domain objects."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.types import Info

from subgraphs.common.ids import parse_id
from subgraphs.content.catalog import services
from subgraphs.content.catalog.domain import model, ordering
from subgraphs.content.catalog.domain.offers import is_available, rank_offers
from subgraphs.content.catalog.domain.titles import display_title, sort_title
from subgraphs.content.context import Context

__all__ = ["Credit", "ExternalIds", "Genre", "Offer", "OfferType", "Person", "Platform", "Price",
           "SortOrder", "Title", "TitleFilter", "TitleKind", "TitleSort", "current_offers"]

TitleKind = strawberry.enum(model.TitleKind, name="TitleKind")
OfferType = strawberry.enum(model.OfferType, name="OfferType")
VideoQuality = strawberry.enum(model.VideoQuality, name="VideoQuality")
CreditRole = strawberry.enum(model.CreditRole, name="CreditRole")
TitleSort = strawberry.enum(
    ordering.TitleSort, name="TitleSort",
    description="What a list of titles is ordered by (RELEASE_DATE: by release year, as "
                "feeds such as MovieLens give no day); ties are broken by id, so pages never "
                "repeat or skip a title. Titles without the value (no release date, no rating, "
                "nobody watched it lately, no priced offer) come last in either direction.")


@strawberry.enum(description="ASC or DESC; each sort has its natural default: most popular, "
                             "newest, best rated, most watched lately first; names A to Z, "
                             "cheapest first.")
class SortOrder(enum.Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.type
class Genre:
    slug: str
    name: str

    @classmethod
    def from_domain(cls, genre: model.Genre) -> Genre:
        return cls(slug=genre.slug, name=genre.name)


@strawberry.type
class ExternalIds:
    imdb: str | None
    tmdb: str | None
    eidr: str | None
    canonical: str | None = strawberry.field(
        description="The id to match on first: EIDR, then IMDb, then TMDb."
    )


@strawberry.federation.type(keys=["id"])
class Person:
    id: strawberry.ID
    name: str

    @classmethod
    def from_domain(cls, person: model.Person) -> Person:
        return cls(id=strawberry.ID(str(person.id)), name=person.name)

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> Person | None:
        person = await info.context.loaders.person.load(parse_id(id, "person id"))
        return None if person is None else cls.from_domain(person)


@strawberry.type
class Credit:
    role: CreditRole  # type: ignore[valid-type]
    character: str | None
    order: int
    person_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def person(self, info: Info[Context, None]) -> Person | None:
        person = await info.context.loaders.person.load(self.person_id)
        return None if person is None else Person.from_domain(person)


@strawberry.type
class Price:
    amount: Decimal
    currency: str


@strawberry.federation.type(keys=["slug"])
class Platform:
    slug: str
    name: str

    @classmethod
    def from_domain(cls, platform: model.Platform) -> Platform:
        return cls(slug=platform.slug, name=platform.name)

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], slug: str) -> Platform | None:
        platform = await info.context.loaders.platform.load(slug)
        return None if platform is None else cls.from_domain(platform)


@strawberry.type
class Offer:
    id: strawberry.ID
    region: str
    type: OfferType  # type: ignore[valid-type]
    quality: VideoQuality  # type: ignore[valid-type]
    price: Price | None
    audio_languages: list[str]
    subtitle_languages: list[str]
    available_from: datetime | None
    available_until: datetime | None
    deep_link: str = strawberry.field(description="Opens the title in the platform's app.")
    web_url: str = strawberry.field(description="Fallback when the app is not installed.")
    platform_slug: strawberry.Private[str]

    @classmethod
    def from_domain(cls, offer: model.Offer) -> Offer:
        price = None
        if offer.price is not None and offer.currency:
            price = Price(amount=offer.price, currency=offer.currency)
        return cls(
            id=strawberry.ID(str(offer.id)),
            region=offer.region,
            type=offer.type,
            quality=offer.quality,
            price=price,
            audio_languages=list(offer.audio_languages),
            subtitle_languages=list(offer.subtitle_languages),
            available_from=offer.available_from,
            available_until=offer.available_until,
            deep_link=offer.deep_link,
            web_url=offer.web_url,
            platform_slug=offer.platform_slug,
        )

    @strawberry.field
    async def platform(self, info: Info[Context, None]) -> Platform:
        platform = await info.context.loaders.platform.load(self.platform_slug)
        assert platform is not None, "offers reference existing platforms"
        return Platform.from_domain(platform)


async def current_offers(
    info: Info[Context, None], title_id: uuid.UUID, region: str, types: list[model.OfferType] | None
) -> list[model.Offer]:
    """The title's offers available now in `region` (of `types`), through the request's loader."""
    offers = await info.context.loaders.offers.load((title_id, services.normalise_region(region)))
    now = datetime.now(UTC)
    return [
        offer
        for offer in offers or []
        if is_available(offer, now) and (not types or offer.type in types)
    ]


@strawberry.federation.type(keys=["id"])
class Title:
    id: strawberry.ID
    kind: TitleKind  # type: ignore[valid-type]
    title: str = strawberry.field(description="The name as people read it: \"The American "
                                              "President\", where feeds file \"American "
                                              "President, The\".")
    sort_title: str = strawberry.field(description="What lists sort by: the name without its "
                                                   "leading article (\"American President\").")
    original_title: str | None
    overview: str | None
    release_date: date | None
    release_year: int | None
    runtime_minutes: int | None
    popularity: float
    average_rating: float | None
    vote_count: int
    external_ids: ExternalIds
    season_number: int | None
    episode_number: int | None
    parent_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_domain(cls, title: model.Title) -> Title:
        ids = title.external_ids
        return cls(
            id=strawberry.ID(str(title.id)),
            kind=title.kind,
            title=display_title(title.title),
            sort_title=sort_title(title.title),
            original_title=title.original_title,
            overview=title.overview,
            release_date=title.release_date,
            release_year=title.release_year,
            runtime_minutes=title.runtime_minutes,
            popularity=title.popularity,
            average_rating=title.average_rating,
            vote_count=title.vote_count,
            external_ids=ExternalIds(
                imdb=ids.imdb, tmdb=ids.tmdb, eidr=ids.eidr, canonical=ids.canonical
            ),
            season_number=title.season_number,
            episode_number=title.episode_number,
            parent_id=title.parent_id,
        )

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> Title | None:
        title = await info.context.loaders.title.load(parse_id(id, "title id"))
        return None if title is None else cls.from_domain(title)

    @property
    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(self.id)

    @strawberry.field
    async def genres(self, info: Info[Context, None]) -> list[Genre]:
        genres = await info.context.loaders.genres.load(self._uuid)
        return [Genre.from_domain(genre) for genre in genres or []]

    @strawberry.field
    async def credits(
        self, info: Info[Context, None], role: CreditRole | None = None  # type: ignore[valid-type]
    ) -> list[Credit]:
        credits = await info.context.loaders.credits.load(self._uuid)
        return [
            Credit(role=c.role, character=c.character, order=c.order, person_id=c.person_id)
            for c in credits or []
            if role is None or c.role == role
        ]

    @strawberry.field
    async def parent(self, info: Info[Context, None]) -> Title | None:
        if self.parent_id is None:
            return None
        parent = await info.context.loaders.title.load(self.parent_id)
        return None if parent is None else Title.from_domain(parent)

    @strawberry.field(description="Offers available now in `region`, best first.")
    async def offers(
        self,
        info: Info[Context, None],
        region: Annotated[str, strawberry.argument(description="ISO 3166-1 alpha-2")],
        types: list[OfferType] | None = None,  # type: ignore[valid-type]
    ) -> list[Offer]:
        offers = await current_offers(info, self._uuid, region, types)
        return [Offer.from_domain(offer) for offer in rank_offers(offers)]

    @strawberry.field(description="How many offers are available now in `region` (of these "
                                  "types), without listing them.")
    async def offer_count(
        self,
        info: Info[Context, None],
        region: Annotated[str, strawberry.argument(description="ISO 3166-1 alpha-2")],
        types: list[OfferType] | None = None,  # type: ignore[valid-type]
    ) -> int:
        return len(await current_offers(info, self._uuid, region, types))

    @strawberry.field(description="The one offer to show first in `region`.")
    async def best_offer(
        self,
        info: Info[Context, None],
        region: str,
        subscribed_platforms: list[str] | None = None,
    ) -> Offer | None:
        offers = await current_offers(info, self._uuid, region, None)
        ranked = rank_offers(offers, frozenset(subscribed_platforms or ()))
        return Offer.from_domain(ranked[0]) if ranked else None


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
    only_my_subscriptions: bool | None = strawberry.field(
        default=None,
        description="Only titles included in a subscription of the signed-in viewer (their "
                    "platforms as their account lists them), in `region` or else their home "
                    "region. Needs a sign-in: anonymous callers get UNAUTHENTICATED.")

    def to_domain(self) -> model.TitleFilter:
        return model.TitleFilter(
            kinds=tuple(self.kinds or ()),
            genres=tuple(self.genres or ()),
            year_from=self.year_from,
            year_to=self.year_to,
            platforms=tuple(self.platforms or ()),
            region=self.region,
        )
