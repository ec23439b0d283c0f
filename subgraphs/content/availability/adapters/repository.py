"""Reading the availability lists: a Protocol the services use and its Tortoise implementation.

Every list is one count and one page query, then one query for the page's offers, whatever the
page size. History rows reach their offer by the offer's stable id; only offers still offered
(and started) are listed, so a title that arrived and left again is not a "new arrival".
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from subgraphs.content.adapters.orm import OfferHistoryRow, OfferRow, TitleGenreRow
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
        """History rows of `kind` in the window whose offer is still offered, newest first."""
        window = query.window
        offered = _offered(query, window.end).values("id")
        rows = OfferHistoryRow.filter(region=query.region, kind=str(kind),
                                      at__gte=window.start, at__lte=window.end,
                                      offer_id__in=Subquery(offered))
        total = await rows.count()
        page = await rows.order_by("-at", "-id").offset(offset).limit(limit).values_list(
            "offer_id", "at", "old_price")
        offers = await OfferRow.filter(id__in=list({row[0] for row in page}))
        by_id: dict[uuid.UUID, OfferRow] = {row.id: row for row in offers}
        return [Listing(at=at, offer=offer_from_row(by_id[offer_id]), old_price=old_price)
                for offer_id, at, old_price in page if offer_id in by_id], total
