"""Reading the availability lists: a Protocol the services use and its Tortoise implementation.

Every list is one count and one page query, then one query for the page's offers, whatever the
page size. History rows reach their offer by the offer's stable id; only offers still offered
(and started) are listed, so a title that arrived and left again is not a "new arrival".
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol

from tortoise import Tortoise
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from subgraphs.content.adapters.orm import OfferRow, TitleGenreRow
from subgraphs.content.availability.domain.audience import Audience
from subgraphs.content.availability.domain.model import ChangeKind, Listing
from subgraphs.content.availability.domain.windows import Window
from subgraphs.content.catalog.adapters.repository import offer_from_row

__all__ = ["AvailabilityRepository", "ListQuery", "TortoiseAvailabilityRepository"]


class ListQuery:
    """What every list is asked for: a region, a window, platforms (none: all) and audience."""

    __slots__ = ("audience", "platforms", "region", "window")

    def __init__(self, region: str, window: Window, platforms: Sequence[str] = (),
                 audience: Audience | None = None) -> None:
        self.region = region
        self.window = window
        self.platforms = tuple(platforms)
        self.audience = audience or Audience()


class AvailabilityRepository(Protocol):
    async def regions(self) -> frozenset[str]:
        """The regions the catalog has offers in."""
        ...

    async def leaving(self, query: ListQuery, offset: int,
                      limit: int) -> tuple[list[Listing], int]: ...

    async def changes(self, kind: ChangeKind, query: ListQuery, offset: int,
                      limit: int) -> tuple[list[Listing], int]: ...


def _for_audience(rows: QuerySet, audience: Audience) -> QuerySet:
    if audience.blocked_genres:
        rows = rows.exclude(title_id__in=Subquery(TitleGenreRow.filter(
            genre_id__in=list(audience.blocked_genres)).values("title_id")))
    if audience.only_genres:
        rows = rows.filter(title_id__in=Subquery(TitleGenreRow.filter(
            genre_id__in=list(audience.only_genres)).values("title_id")))
    return rows


def _offered(query: ListQuery, now: datetime) -> QuerySet:
    """The region's offers that are available at `now`, of the platforms asked for."""
    rows = OfferRow.filter(region=query.region).filter(
        Q(available_from__isnull=True) | Q(available_from__lte=now)).filter(
        Q(available_until__isnull=True) | Q(available_until__gt=now))
    if query.platforms:
        rows = rows.filter(platform_id__in=list(query.platforms))
    return _for_audience(rows, query.audience)


_REGIONS_TTL = 60.0  # seconds: a region a feed adds is listed within a minute


class TortoiseAvailabilityRepository:
    def __init__(self) -> None:
        self._regions: frozenset[str] = frozenset()
        self._regions_read = float("-inf")

    async def regions(self) -> frozenset[str]:
        # Asked by every list request: read at most once a TTL, not once a request.
        if time.monotonic() - self._regions_read > _REGIONS_TTL or not self._regions:
            found = await OfferRow.all().distinct().values_list("region", flat=True)
            self._regions = frozenset(str(region) for region in found)
            self._regions_read = time.monotonic()
        return self._regions

    async def leaving(self, query: ListQuery, offset: int,
                      limit: int) -> tuple[list[Listing], int]:
        """Offers ending within the window, soonest first."""
        window = query.window
        rows = _offered(query, window.start).filter(available_until__lt=window.end)
        total = await rows.count()
        page = await rows.order_by("available_until", "id").offset(offset).limit(limit)
        return [Listing(at=row.available_until, offer=offer_from_row(row))
                for row in page], total

    async def changes(self, kind: ChangeKind, query: ListQuery, offset: int,
                      limit: int) -> tuple[list[Listing], int]:
        """History rows of `kind` in the window whose offer is still offered, newest first.

        One join (history by its (region, kind, at) index, then each row's offer by primary
        key): the ORM's `offer_id IN (offers on now)` built the list of every offer of the
        region first, 40 times slower on the demo catalog."""
        connection = Tortoise.get_connection("default")
        sql = _Parameters(connection.capabilities.dialect)
        window, audience = query.window, query.audience
        where = [f'h."region" = {sql.add(query.region)}', f'h."kind" = {sql.add(str(kind))}',
                 f'h."at" >= {sql.add(window.start)}', f'h."at" <= {sql.add(window.end)}',
                 f'(o."available_from" IS NULL OR o."available_from" <= {sql.add(window.end)})',
                 f'(o."available_until" IS NULL OR o."available_until" > {sql.add(window.end)})']
        if query.platforms:
            where.append(f'h."platform_id" IN ({sql.many(query.platforms)})')
        if audience.blocked_genres:
            blocked = sql.many(audience.blocked_genres)
            where.append(f'h."title_id" NOT IN ({_TITLES_IN} ({blocked}))')
        if audience.only_genres:
            where.append(f'h."title_id" IN ({_TITLES_IN} ({sql.many(audience.only_genres)}))')
        rows = (f'FROM "offer_history" h JOIN "offer" o ON o."id" = h."offer_id" '
                f'WHERE {" AND ".join(where)}')
        _, counted = await connection.execute_query(f"SELECT COUNT(*) AS n {rows}", sql.values)
        _, page = await connection.execute_query(
            f'SELECT h."offer_id" AS offer_id, h."at" AS at, h."old_price" AS old_price {rows} '
            f'ORDER BY h."at" DESC, h."id" DESC LIMIT {int(limit)} OFFSET {int(offset)}',
            sql.values)
        found = [(_uuid(row["offer_id"]), _moment(row["at"]), _price(row["old_price"]))
                 for row in page]
        offers = await OfferRow.filter(id__in=list({offer_id for offer_id, _, _ in found}))
        by_id: dict[uuid.UUID, OfferRow] = {row.id: row for row in offers}
        return [Listing(at=at, offer=offer_from_row(by_id[offer_id]), old_price=old_price)
                for offer_id, at, old_price in found if offer_id in by_id], int(counted[0]["n"])


_TITLES_IN = 'SELECT "title_id" FROM "title_genre" WHERE "genre_id" IN'


class _Parameters:
    """Bound values of one statement, with the dialect's placeholders (`?` or `$n`)."""

    def __init__(self, dialect: str) -> None:
        self._numbered = dialect == "postgres"
        self.values: list[object] = []

    def add(self, value: object) -> str:
        self.values.append(value)
        return f"${len(self.values)}" if self._numbered else "?"

    def many(self, values: Sequence[object]) -> str:
        return ", ".join(self.add(value) for value in values)


# Raw rows come typed from PostgreSQL and as text from SQLite (as Tortoise stores them there).
def _uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _moment(value: object) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _price(value: object) -> Decimal | None:
    return None if value is None else value if isinstance(value, Decimal) else Decimal(str(value))
