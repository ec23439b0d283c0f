"""Reading the catalog: a Protocol the services use and its Tortoise implementation."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from tortoise.expressions import Q, Subquery
from tortoise.functions import Min
from tortoise.queryset import QuerySet

from subgraphs.content.adapters.orm import (
    CreditRow,
    GenreRow,
    OfferRow,
    PersonRow,
    PlatformRow,
    TitleGenreRow,
    TitleRow,
)
from subgraphs.content.catalog.domain.model import (
    Credit,
    ExternalIds,
    Genre,
    Offer,
    OfferType,
    Person,
    Platform,
    Title,
    TitleFilter,
)
from subgraphs.content.catalog.domain.ordering import (
    Keyset,
    SortValue,
    TitleOrder,
    TitleSort,
    after_keyset,
    cheapest_price,
    sort_by,
)

__all__ = ["ContentRepository", "TitleName", "TortoiseContentRepository"]


@dataclass(frozen=True)
class TitleName:
    """What a title lookup by name needs, for the whole catalog at once."""

    id: uuid.UUID
    title: str
    year: int | None
    popularity: float


class ContentRepository(Protocol):
    async def titles_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Title]: ...

    async def ordered_titles(
        self, title_filter: TitleFilter, order: TitleOrder, after: Keyset | None, limit: int,
        now: datetime,
    ) -> tuple[list[tuple[Title, SortValue]], int]: ...

    async def prices(
        self, ids: Sequence[uuid.UUID], region: str, now: datetime
    ) -> dict[uuid.UUID, Decimal | None]: ...

    async def genres_by_titles(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Genre]]: ...

    async def credits_by_titles(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Credit]]: ...

    async def people_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Person]: ...

    async def offers_by_titles(
        self, keys: Sequence[tuple[uuid.UUID, str]]
    ) -> dict[tuple[uuid.UUID, str], list[Offer]]: ...

    async def offers_for_titles(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Offer]]: ...

    async def title_names(self) -> list[TitleName]: ...

    async def platforms_by_slugs(self, slugs: Sequence[str]) -> dict[str, Platform]: ...

    async def all_genres(self) -> list[Genre]: ...

    async def all_platforms(self) -> list[Platform]: ...


def title_from_row(row: TitleRow) -> Title:
    return Title(
        id=row.id,
        kind=row.kind,
        title=row.title,
        original_title=row.original_title,
        overview=row.overview,
        release_date=row.release_date,
        release_year=row.release_year,
        runtime_minutes=row.runtime_minutes,
        popularity=row.popularity,
        average_rating=row.average_rating,
        vote_count=row.vote_count,
        external_ids=ExternalIds(imdb=row.imdb_id, tmdb=row.tmdb_id, eidr=row.eidr_id),
        parent_id=row.parent_id,  # type: ignore[attr-defined]
        season_number=row.season_number,
        episode_number=row.episode_number,
        trending=row.trending,
    )


def offer_from_row(row: OfferRow) -> Offer:
    return Offer(
        id=row.id,
        title_id=row.title_id,  # type: ignore[attr-defined]
        platform_slug=row.platform_id,  # type: ignore[attr-defined]
        region=row.region,
        type=row.type,
        quality=row.quality,
        deep_link=row.deep_link,
        web_url=row.web_url,
        price=row.price,
        currency=row.currency,
        audio_languages=tuple(row.audio_languages),
        subtitle_languages=tuple(row.subtitle_languages),
        available_from=row.available_from,
        available_until=row.available_until,
    )


def platform_from_row(row: PlatformRow) -> Platform:
    return Platform(
        slug=row.slug,
        name=row.name,
        deep_link_template=row.deep_link_template,
        web_url_template=row.web_url_template,
    )


class TortoiseContentRepository:
    """Every method is one query (or one per table) however many keys it gets."""

    async def titles_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Title]:
        rows = await TitleRow.filter(id__in=list(set(ids)))
        return {row.id: title_from_row(row) for row in rows}

    async def ordered_titles(
        self, title_filter: TitleFilter, order: TitleOrder, after: Keyset | None, limit: int,
        now: datetime,
    ) -> tuple[list[tuple[Title, SortValue]], int]:
        """One page in `order` after `after`, with each title's sort value, and the total."""
        query = _filtered(title_filter)
        total = await query.count()
        if order.sort is TitleSort.PRICE:
            assert order.region is not None, "the service sets a price sort's region"
            return await self._by_price(query, order, after, limit, now), total
        column = _COLUMNS[order.sort]
        found: list[TitleRow] = []
        # Titles with a value first, then those without (SQLite and PostgreSQL disagree on
        # where NULLs sort, so each part is its own query).
        if after is None or after.value is not None:
            valued = query.filter(**{f"{column}__isnull": False})
            if after is not None:
                beyond = "lt" if order.descending else "gt"
                valued = valued.filter(Q(**{f"{column}__{beyond}": after.value})
                                       | Q(**{column: after.value, "id__gt": after.id}))
            found += await valued.order_by(f"-{column}" if order.descending else column,
                                           "id").limit(limit)
        if len(found) < limit:
            empty = query.filter(**{f"{column}__isnull": True})
            if after is not None and after.value is None:
                empty = empty.filter(id__gt=after.id)
            found += await empty.order_by("id").limit(limit - len(found))
        return [(title_from_row(row), getattr(row, column)) for row in found], total

    async def _by_price(
        self, query: QuerySet[TitleRow], order: TitleOrder, after: Keyset | None, limit: int,
        now: datetime,
    ) -> list[tuple[Title, SortValue]]:
        # Ordered here, not in SQL: a title's price is the cheapest of its offers current now,
        # which no column holds. The database sums it up per title; one region's titles are
        # few enough (thousands) to sort in memory.
        ids = [_as_uuid(i) for i in await query.values_list("id", flat=True)]
        prices = await self._cheapest(query, order.region or "", now)
        ranked = sort_by(ids, prices.get, _same, order.descending)
        page = after_keyset(ranked, prices.get, _same, order.descending, after)[:limit]
        titles = await self.titles_by_ids(page)
        return [(titles[i], prices.get(i)) for i in page if i in titles]

    async def _cheapest(
        self, titles: QuerySet[TitleRow], region: str, now: datetime
    ) -> dict[uuid.UUID, Decimal]:
        """The cheapest current rent or buy price per title, 0 with a free offer (one query
        each); titles with neither are left out."""
        current = (OfferRow.filter(region=region, title_id__in=Subquery(titles.values("id")))
                   .filter(Q(available_from__isnull=True) | Q(available_from__lte=now))
                   .filter(Q(available_until__isnull=True) | Q(available_until__gt=now)))
        paid = await (current.filter(type__in=[OfferType.RENT, OfferType.BUY])
                      .annotate(cheapest=Min("price")).group_by("title_id")
                      .values_list("title_id", "cheapest"))
        free = await (current.filter(type__in=[OfferType.FREE, OfferType.ADS])
                      .distinct().values_list("title_id", flat=True))
        found = {_as_uuid(t): Decimal(str(p)) for t, p in paid if p is not None}
        found.update({_as_uuid(t): Decimal(0) for t in free})
        return found

    async def prices(
        self, ids: Sequence[uuid.UUID], region: str, now: datetime
    ) -> dict[uuid.UUID, Decimal | None]:
        """Each title's cheapest current rent, buy or free offer in `region` (None: none)."""
        offers: dict[uuid.UUID, list[Offer]] = defaultdict(list)
        unique = list(set(ids))
        for start in range(0, len(unique), 1000):
            rows = await OfferRow.filter(title_id__in=unique[start:start + 1000], region=region)
            for row in rows:
                offers[_as_uuid(row.title_id)].append(offer_from_row(row))  # type: ignore[attr-defined]
        return {i: cheapest_price(offers.get(i, ()), now) for i in unique}

    async def genres_by_titles(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Genre]]:
        links = await TitleGenreRow.filter(title_id__in=list(set(ids))).select_related("genre")
        found: dict[uuid.UUID, list[Genre]] = defaultdict(list)
        for link in links:
            found[link.title_id].append(Genre(slug=link.genre.slug, name=link.genre.name))  # type: ignore[attr-defined]
        return found

    async def credits_by_titles(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Credit]]:
        rows = await CreditRow.filter(title_id__in=list(set(ids))).order_by("role", "order", "id")
        found: dict[uuid.UUID, list[Credit]] = defaultdict(list)
        for row in rows:
            found[row.title_id].append(  # type: ignore[attr-defined]
                Credit(
                    title_id=row.title_id,  # type: ignore[attr-defined]
                    person_id=row.person_id,  # type: ignore[attr-defined]
                    role=row.role,
                    character=row.character,
                    order=row.order,
                )
            )
        return found

    async def people_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Person]:
        rows = await PersonRow.filter(id__in=list(set(ids)))
        return {row.id: Person(id=row.id, name=row.name) for row in rows}

    async def offers_by_titles(
        self, keys: Sequence[tuple[uuid.UUID, str]]
    ) -> dict[tuple[uuid.UUID, str], list[Offer]]:
        title_ids = list({title_id for title_id, _ in keys})
        regions = list({region for _, region in keys})
        rows = await OfferRow.filter(title_id__in=title_ids, region__in=regions)
        found: dict[tuple[uuid.UUID, str], list[Offer]] = defaultdict(list)
        for row in rows:
            found[(row.title_id, row.region)].append(offer_from_row(row))  # type: ignore[attr-defined]
        return found

    async def offers_for_titles(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[Offer]]:
        """Every region's offers of each title (the search index stores them all)."""
        rows = await OfferRow.filter(title_id__in=list(set(ids)))
        found: dict[uuid.UUID, list[Offer]] = defaultdict(list)
        for row in rows:
            found[row.title_id].append(offer_from_row(row))  # type: ignore[attr-defined]
        return found

    async def title_names(self) -> list[TitleName]:
        rows = await TitleRow.all().order_by("id").values_list(
            "id", "title", "release_year", "popularity"
        )
        return [TitleName(id=i, title=t, year=y, popularity=p) for i, t, y, p in rows]

    async def platforms_by_slugs(self, slugs: Sequence[str]) -> dict[str, Platform]:
        rows = await PlatformRow.filter(slug__in=list(set(slugs)))
        return {row.slug: platform_from_row(row) for row in rows}

    async def all_genres(self) -> list[Genre]:
        rows = await GenreRow.all().order_by("name")
        return [Genre(slug=row.slug, name=row.name) for row in rows]

    async def all_platforms(self) -> list[Platform]:
        rows = await PlatformRow.all().order_by("name")
        return [platform_from_row(row) for row in rows]


_COLUMNS = {
    TitleSort.POPULARITY: "popularity",
    TitleSort.RELEASE_DATE: "release_year",
    TitleSort.RATING: "average_rating",
    TitleSort.TITLE: "sort_title",
    TitleSort.TRENDING: "trending",
}


def _filtered(title_filter: TitleFilter) -> QuerySet[TitleRow]:
    query = TitleRow.all()
    if title_filter.kinds:
        query = query.filter(kind__in=list(title_filter.kinds))
    if title_filter.year_from is not None:
        query = query.filter(release_year__gte=title_filter.year_from)
    if title_filter.year_to is not None:
        query = query.filter(release_year__lte=title_filter.year_to)
    if title_filter.genres:
        genres = TitleGenreRow.filter(genre_id__in=list(title_filter.genres))
        query = query.filter(id__in=Subquery(genres.values("title_id")))
    if title_filter.platforms or title_filter.region:
        offers = OfferRow.all()
        if title_filter.platforms:
            offers = offers.filter(platform_id__in=list(title_filter.platforms))
        if title_filter.region:
            offers = offers.filter(region=title_filter.region)
        query = query.filter(id__in=Subquery(offers.values("title_id")))
    if title_filter.subscribed is not None:
        mine = OfferRow.filter(type="subscription", platform_id__in=list(title_filter.subscribed))
        if title_filter.region:
            mine = mine.filter(region=title_filter.region)
        query = query.filter(id__in=Subquery(mine.values("title_id")))
    return query


def _same(title_id: uuid.UUID) -> uuid.UUID:
    return title_id


def _as_uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
